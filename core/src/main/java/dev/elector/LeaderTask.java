package dev.elector;

/** Work that must run on the leader only. See {@link LeaderJob}. */
@FunctionalInterface
public interface LeaderTask {
    /**
     * One run. It is interrupted when leadership is lost; check {@link JobContext#checkValid()} between
     * steps and stop on {@link InterruptedException}.
     *
     * @param context the term and tick of this run
     * @throws Exception any failure; it is reported to the job's listener and the next tick still runs
     */
    void run(JobContext context) throws Exception;
}
