package dev.elector.etcd;

import com.google.protobuf.ByteString;
import dev.elector.ElectionException;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every watch of one coordinator on one gRPC watch stream, as etcd's Go client multiplexes them. jetcd's
 * {@code Watch} opens a stream per watcher, which cost each leading election a stream, a watcher on the
 * server and about 3 KB of heap here.
 *
 * <p>Watches are one-shot and only say "read again": the first event, cancellation or error runs the
 * callback once. So a stream that breaks fires every watch it carried, core reads again and watches anew,
 * and the next watch opens a fresh stream; nothing is resumed or replayed here.
 *
 * <p>Creates are matched to their {@code created} answers in order: etcd handles a stream's requests one
 * by one and holds a new watch's events until its {@code created} answer has gone out.
 *
 * <p>The channel has the TLS context and the credentials of jetcd's client. etcd binds a stream to the auth
 * token it opened with: watches on it keep delivering after the token expires, but a new create is then
 * cancelled. Such a stream is retired: it carries its watches to their end, the token is fetched again,
 * and new watches go on a new stream.
 */
final class WatchStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

    private final ManagedChannel channel;
    private final WatchGrpc.WatchStub stub;
    private final KVGrpc.KVBlockingStub kv;
    private final EtcdAccess.Token token;
    private final Duration timeout;
    // Guarded by this, as is all state of the streams: gRPC request observers are not thread-safe.
    private Stream current;
    /** Streams not yet ended: the current one and retired ones still carrying watches. */
    private final Set<Stream> open = new LinkedHashSet<>();
    private boolean closed;

    /**
     * @param target jetcd's gRPC target for the endpoints, served by its name resolver
     * @param timeout how long a silent connection may go unnoticed, and how long closing may take
     * @param access the TLS context and credentials
     */
    WatchStream(String target, Duration timeout, EtcdAccess access) {
        Metadata headers = new Metadata();
        // A member cut off from its quorum ends the stream instead of keeping it open and silent.
        headers.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
        this.timeout = timeout;
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
        if (access.authority() != null) {
            builder.overrideAuthority(access.authority());
        }
        if (access.tls()) {
            builder.negotiationType(NegotiationType.TLS).sslContext(access.sslContext());
        } else {
            builder.usePlaintext();
        }
        this.channel = builder
                .directExecutor() // callbacks only queue work on core's executors
                // etcd answers pings more often than every 5 s with GOAWAY; twice that leaves room for jitter and
                // still breaks a half-open connection. A lost lease resets the stream sooner.
                .keepAliveTime(Math.max(10, timeout.toSeconds()), TimeUnit.SECONDS)
                .keepAliveTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.token = access.token(channel, timeout);
        WatchGrpc.WatchStub watch = WatchGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        KVGrpc.KVBlockingStub read = KVGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.stub = token == null ? watch : watch.withCallCredentials(token);
        this.kv = token == null ? read : read.withCallCredentials(token);
    }

    /**
     * A blocking KV stub on this channel, with its TLS, token and headers and without wait-for-ready, so
     * that a call fails at once with the reason when the connection cannot be made: for the connect check.
     */
    KVGrpc.KVBlockingStub kv() {
        return kv;
    }

    /**
     * Watches the keys from {@code key} up to, not including, {@code rangeEnd}, from {@code fromRevision} on,
     * or from the server's next revision if it is 0, ignoring events at or before revision {@code seen}.
     * {@code onChange} gets the events of the first response (all of one or more revisions, never part of
     * one), or none if the watch ended without an event.
     *
     * @return the watch's handle
     */
    synchronized Handle watch(ByteString key, ByteString rangeEnd, long fromRevision, long seen, Consumer<List<Event>> onChange) {
        if (closed) {
            throw new ElectionException("the etcd backend is closed");
        }
        if (current == null) {
            current = new Stream();
            open.add(current);
        }
        return current.create(key, rangeEnd, fromRevision, seen, onChange);
    }

    /** Ends every stream, firing their watches; the next watch opens a new one. */
    void reset() {
        List<Stream> ending;
        synchronized (this) {
            ending = new ArrayList<>(open);
            current = null;
            for (Stream s : ending) {
                if (!s.ended) {
                    s.requests.onError(new ElectionException("reset")); // cancels the call
                }
            }
        }
        ending.forEach(Stream::broken);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        reset();
        channel.shutdownNow();
        try {
            channel.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The end of the range of every key that starts with {@code prefix}, as etcd's clients compute it. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0}); // every key from the prefix on, as etcd defines it
    }

    /**
     * A watch that was asked for.
     *
     * @param cancel cancels the watch without running its callback
     * @param created completes once etcd has created the watch, or fails if the stream ended first
     */
    record Handle(Runnable cancel, CompletableFuture<Void> created) {
    }

    /** One watch; {@code id} is known once etcd answered its create. */
    private static final class Watch {
        final Consumer<List<Event>> onChange;
        /** Events at or before this revision are no change: the caller read that state already. */
        final long seen;
        final CompletableFuture<Void> created = new CompletableFuture<>();
        long id = -1;
        boolean done;

        Watch(long seen, Consumer<List<Event>> onChange) {
            this.seen = seen;
            this.onChange = onChange;
        }
    }

    /** One gRPC stream and the watches it carries. */
    private final class Stream implements StreamObserver<WatchResponse> {
        final StreamObserver<WatchRequest> requests = stub.watch(this);
        final Deque<Watch> creating = new ArrayDeque<>();
        final Map<Long, Watch> active = new HashMap<>();
        boolean ended;
        boolean retired;

        Handle create(ByteString key, ByteString rangeEnd, long fromRevision, long seen, Consumer<List<Event>> onChange) {
            Watch w = new Watch(seen, onChange);
            creating.add(w);
            WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd);
            if (fromRevision > 0) {
                create.setStartRevision(fromRevision);
            }
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            return new Handle(() -> cancel(w), w.created);
        }

        private void cancel(Watch w) {
            synchronized (WatchStream.this) {
                if (w.done) {
                    return;
                }
                w.done = true;
                if (w.id >= 0 && active.remove(w.id) != null) {
                    sendCancel(w.id);
                    finishIfRetired();
                } // else its created answer is still to come, and cancels it then
            }
        }

        /**
         * Stops new watches going on this stream, whose token went stale, and forgets the token; the stream
         * ends once the watches it carries have ended.
         */
        private void retire() {
            if (current == this) {
                current = null;
            }
            retired = true;
            if (token != null) {
                token.invalidate();
            }
        }

        private void finishIfRetired() {
            if (retired && !ended && active.isEmpty() && creating.isEmpty()) {
                ended = true;
                open.remove(this);
                requests.onCompleted();
            }
        }

        private void sendCancel(long id) {
            if (!ended) {
                requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
            }
        }

        @Override
        public void onNext(WatchResponse response) {
            Consumer<List<Event>> run;
            synchronized (WatchStream.this) {
                Watch w;
                if (response.getCreated()) {
                    w = creating.poll();
                    if (w == null) {
                        log.warn("etcd answered a watch create that was not asked for: {}", response.getWatchId());
                        return;
                    }
                    w.id = response.getWatchId();
                    w.created.complete(null);
                    if (response.getCanceled() && EtcdAccess.staleToken(response.getCancelReason())) {
                        // Fired below, so core reads again and watches anew: on a new stream, with a new token.
                        log.debug("etcd refused a watch for a stale auth token; authenticating again on a new stream");
                        retire();
                    }
                    if (w.done) {
                        sendCancel(w.id); // cancelled while being created
                        finishIfRetired();
                        return;
                    }
                    if (!response.getCanceled()) {
                        active.put(w.id, w);
                        return;
                    }
                    finishIfRetired();
                } else if (response.getEventsCount() > 0 || response.getCanceled() || response.getCompactRevision() != 0) {
                    w = active.get(response.getWatchId());
                    if (w == null || w.done || (!response.getCanceled() && response.getCompactRevision() == 0 && seen(w, response))) {
                        return;
                    }
                    active.remove(w.id);
                    if (!response.getCanceled()) {
                        sendCancel(w.id); // one-shot: the server need not watch on
                    }
                    finishIfRetired();
                } else {
                    return; // a progress notice
                }
                w.done = true;
                run = w.onChange;
            }
            run.accept(response.getEventsList());
        }

        /**
         * Whether every event of a response is one the caller had seen: a watch from "now" on a member that
         * lags behind the one that answered a write can still replay that write, such as our own entry's
         * creation, which would otherwise read as a change of the entry.
         */
        private boolean seen(Watch w, WatchResponse response) {
            return response.getEventsList().stream().allMatch(e -> e.getKv().getModRevision() <= w.seen);
        }

        @Override
        public void onError(Throwable error) {
            log.debug("etcd watch stream ended: {}", error.toString());
            if (EtcdAccess.staleToken(String.valueOf(error.getMessage()))) {
                synchronized (WatchStream.this) {
                    retire();
                }
            }
            broken();
        }

        @Override
        public void onCompleted() {
            broken();
        }

        /** Fires every watch of this stream once, outside the lock, and lets the next watch open a new stream. */
        void broken() {
            List<Consumer<List<Event>>> run = new ArrayList<>();
            synchronized (WatchStream.this) {
                if (current == this) {
                    current = null;
                }
                open.remove(this);
                ended = true;
                for (Watch w : creating) {
                    w.created.completeExceptionally(new ElectionException("the etcd watch stream ended before the watch was created"));
                    if (!w.done) {
                        w.done = true;
                        run.add(w.onChange);
                    }
                }
                for (Watch w : active.values()) {
                    if (!w.done) {
                        w.done = true;
                        run.add(w.onChange);
                    }
                }
                creating.clear();
                active.clear();
            }
            run.forEach(r -> r.accept(List.of()));
        }
    }
}
