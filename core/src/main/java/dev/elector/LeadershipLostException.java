package dev.elector;

/**
 * Thrown by {@link JobContext#checkValid()} once the term a leader-only run belongs to has ended or passed
 * its deadline. Let it propagate: the run is over.
 */
public class LeadershipLostException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which term was lost
     */
    public LeadershipLostException(String message) {
        super(message);
    }
}
