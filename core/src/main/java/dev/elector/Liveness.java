package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.SessionListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's one renewal loop and the validity deadline it yields. The deadline is the send time
 * of the last acknowledged renewal, plus the granted session timeout, minus the safety margin, all on the
 * monotonic clock: the server cannot have expired the session before it, because it heard from us no
 * earlier than that send. No server event is trusted to end leadership in time; the watchdog here does it
 * locally.
 */
final class Liveness implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final Clock clock;
    private final long marginNanos;
    private final Runnable onExpired;
    private final Runnable onRestored;
    private final LongConsumer onSessionChanged;
    private final BiConsumer<Duration, Throwable> onRenewal;

    private volatile Backend backend;
    private volatile long epoch;
    private volatile boolean acknowledged;
    private volatile long deadline;
    private boolean stopped;
    private Runnable cancelWatchdog = () -> { };

    /**
     * @param onExpired run on the clock's thread when the deadline passes with no newer acknowledgement
     * @param onRestored run on a backend thread when a renewal is acknowledged while the session was not
     *     valid: after connecting, after a new session, or after the deadline passed
     * @param onSessionChanged run on a backend thread with the new session id (0 while there is none)
     * @param onRenewal run on a backend thread with each renewal's round trip and failure (or null)
     */
    Liveness(Clock clock, long marginNanos, Runnable onExpired, Runnable onRestored, LongConsumer onSessionChanged,
            BiConsumer<Duration, Throwable> onRenewal) {
        this.clock = clock;
        this.marginNanos = marginNanos;
        this.onExpired = onExpired;
        this.onRestored = onRestored;
        this.onSessionChanged = onSessionChanged;
        this.onRenewal = onRenewal;
        this.deadline = clock.nanoTime();
    }

    /** Starts renewing on {@code connected}; the returned stage completes with the first acknowledgement. */
    CompletableFuture<Void> start(Backend connected) {
        this.backend = connected;
        this.epoch = connected.epoch();
        // A fifth of the session timeout keeps the deadline at least half a session ahead while renewals
        // flow, so one lost or slow renewal never costs leadership.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), connected.sessionTimeout().toNanos() / 5);
        heartbeat(period);
        return renew();
    }

    private void heartbeat(long period) {
        clock.schedule(() -> {
            synchronized (this) {
                if (stopped) {
                    return;
                }
            }
            renew();
            heartbeat(period);
        }, period);
    }

    synchronized void stop() {
        stopped = true;
        cancelWatchdog.run();
        acknowledged = false;
    }

    long epoch() {
        return epoch;
    }

    long deadline() {
        return deadline;
    }

    long now() {
        return clock.nanoTime();
    }

    /** Whether the session {@code sessionEpoch} is current and certainly alive on the server now. */
    boolean isValid(long sessionEpoch) {
        return acknowledged && epoch == sessionEpoch && sessionEpoch != 0 && deadline - clock.nanoTime() > 0;
    }

    private CompletableFuture<Void> renew() {
        long sentEpoch = epoch;
        long sentAt = clock.nanoTime();
        CompletableFuture<Void> done = new CompletableFuture<>();
        backend.renew().whenComplete((ok, error) -> {
            onRenewal.accept(Duration.ofNanos(clock.nanoTime() - sentAt), error);
            if (error == null) {
                if (acknowledged(sentEpoch, sentAt)) {
                    onRestored.run();
                }
                done.complete(null);
            } else {
                log.debug("Renewal sent {} ms ago failed: {}", TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - sentAt), error.toString());
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    /** @return whether the session was not valid before this acknowledgement and is now */
    private synchronized boolean acknowledged(long sentEpoch, long sentAt) {
        if (stopped || sentEpoch == 0 || sentEpoch != epoch || backend.epoch() != sentEpoch) {
            return false; // an answer for a session that is gone proves nothing about the current one
        }
        boolean wasValid = isValid(sentEpoch);
        long candidate = sentAt + backend.sessionTimeout().toNanos() - marginNanos;
        if (!acknowledged || candidate - deadline > 0) {
            deadline = candidate;
            acknowledged = true;
            cancelWatchdog.run();
            cancelWatchdog = clock.schedule(this::checkDeadline, Math.max(0, candidate - clock.nanoTime()));
        }
        return !wasValid && isValid(sentEpoch);
    }

    private void checkDeadline() {
        boolean expired;
        synchronized (this) {
            expired = !stopped && acknowledged && deadline - clock.nanoTime() <= 0;
        }
        if (expired) {
            log.warn("No renewal of session {} acknowledged in time: leaders step down before the server can expire it",
                    Long.toHexString(epoch));
            onExpired.run();
        }
    }

    @Override
    public void sessionChanged(long newEpoch) {
        synchronized (this) {
            if (newEpoch == epoch || backend == null) {
                return; // unchanged, or still connecting: start() reads the epoch
            }
            log.info("Session changed from {} to {}", Long.toHexString(epoch), Long.toHexString(newEpoch));
            epoch = newEpoch;
            acknowledged = false;
        }
        onSessionChanged.accept(newEpoch);
        if (newEpoch != 0) {
            renew();
        }
    }
}
