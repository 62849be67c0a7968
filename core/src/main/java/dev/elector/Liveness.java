package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.SessionListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's one renewal loop and the validity deadline it yields. The deadline is the send time
 * of the last acknowledged renewal, plus the granted session timeout, minus the safety margin, all on
 * {@link System#nanoTime()}: the server cannot have expired the session before it, because it heard from
 * us no earlier than that send. No server event is trusted to end leadership in time; the watchdog here
 * does it locally.
 */
final class Liveness implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final Backend backend;
    private final ScheduledExecutorService timer;
    private final long marginNanos;
    private final Runnable onExpired;
    private final LongConsumer onSessionChanged;

    private volatile long epoch;
    private volatile boolean acknowledged;
    private volatile long deadline;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> watchdog;

    Liveness(Backend backend, ScheduledExecutorService timer, long marginNanos, Runnable onExpired, LongConsumer onSessionChanged) {
        this.backend = backend;
        this.timer = timer;
        this.marginNanos = marginNanos;
        this.onExpired = onExpired;
        this.onSessionChanged = onSessionChanged;
        this.deadline = System.nanoTime();
    }

    /** Starts renewing; the returned stage completes with the first acknowledgement. */
    synchronized CompletableFuture<Void> start() {
        epoch = backend.epoch();
        // A fifth of the session timeout keeps the deadline at least half a session ahead while renewals
        // flow, so one lost or slow renewal never costs leadership.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), backend.sessionTimeout().toNanos() / 5);
        heartbeat = timer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.NANOSECONDS);
        return renew();
    }

    synchronized void stop() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        acknowledged = false;
    }

    long epoch() {
        return epoch;
    }

    long deadline() {
        return deadline;
    }

    /** Whether the session {@code sessionEpoch} is current and certainly alive on the server now. */
    boolean isValid(long sessionEpoch) {
        return acknowledged && epoch == sessionEpoch && sessionEpoch != 0 && deadline - System.nanoTime() > 0;
    }

    private CompletableFuture<Void> renew() {
        long sentEpoch = epoch;
        long sentAt = System.nanoTime();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            backend.renew().whenComplete((ok, error) -> {
                if (error == null) {
                    acknowledged(sentEpoch, sentAt);
                    done.complete(null);
                } else {
                    log.debug("Renewal sent {} ms ago failed: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt), error.toString());
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private synchronized void acknowledged(long sentEpoch, long sentAt) {
        if (sentEpoch == 0 || sentEpoch != epoch || backend.epoch() != sentEpoch) {
            return; // an answer for a session that is gone proves nothing about the current one
        }
        long candidate = sentAt + backend.sessionTimeout().toNanos() - marginNanos;
        if (!acknowledged || candidate - deadline > 0) {
            deadline = candidate;
            acknowledged = true;
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            watchdog = timer.schedule(this::checkDeadline, Math.max(0, candidate - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void checkDeadline() {
        boolean expired;
        synchronized (this) {
            expired = acknowledged && deadline - System.nanoTime() <= 0;
        }
        if (expired) {
            log.warn("No renewal acknowledged in time: stepping down before the server can expire session {}", Long.toHexString(epoch));
            onExpired.run();
        }
    }

    @Override
    public void sessionChanged(long newEpoch) {
        synchronized (this) {
            if (newEpoch == epoch) {
                return;
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
