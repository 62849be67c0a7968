package dev.elector.test.cluster;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Records everything this JVM writes to standard error, where slf4j-simple logs (it looks up
 * {@code System.err} at each line), while still passing it through: for the checks that a secret never
 * reaches a log line, and that a refusal is logged with a clear reason.
 */
public final class CapturedLog implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    /**
     * Starts recording: from now until {@link #close()}, standard error goes through a copy.
     *
     * @return the recording
     */
    public static CapturedLog start() {
        return new CapturedLog();
    }

    private CapturedLog() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /**
     * Everything written to standard error since {@link #start()}, as UTF-8.
     *
     * @return the text so far
     */
    public String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
