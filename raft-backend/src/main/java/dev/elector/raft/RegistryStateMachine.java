package dev.elector.raft;

import dev.elector.Durations;
import dev.elector.raft.Wire.Feed;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RegistryState} on Ratis: applies committed commands, answers queries, holds the watches' feed
 * open until something changes, and, on the Raft leader only, proposes the expiry of silent sessions.
 *
 * <p>The expiry rule is etcd's lessor's and ZooKeeper's session tracker's: the leader measures a
 * session's TTL from its own apply of the session's last renewal, or from its own promotion, whichever
 * is later. A renewal acknowledged to a client was committed after the client sent it, and so applied by
 * this leader, or committed before this one's promotion, after that send time: no leader decides an expiry
 * before its owner's deadline. An {@code Expire} names the renewal it saw, and is void at apply if a newer
 * renewal committed in between, so an expiry that commits late, even one a deposed leader proposed and a
 * later leader committed, ends the session only if no renewal came after the one it was measured from.
 */
final class RegistryStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(RegistryStateMachine.class);
    /** How long the feed holds a query with nothing to report: well inside a client's request timeout. */
    static final Duration FEED_HOLD = Duration.ofMillis(500);
    private static final Duration TICK = Duration.ofMillis(100);

    private final RegistryState registry = new RegistryState();
    /** Local times of the last renewal applied here, per session: this node's clock only, never replicated. */
    private final Map<Long, Long> renewedAt = new HashMap<>();
    private final List<Poll> polls = new ArrayList<>();
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Duration minimumTtl;
    private final ScheduledExecutorService timer;
    // The ticker's own state, touched by the timer thread only.
    private long leaderTerm = -1;
    private long leaderSince;
    private final Set<Wire.Expire> proposed = new HashSet<>();
    private final ClientId proposer = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();

    private record Poll(long after, String prefix, CompletableFuture<Message> answer) {
    }

    RegistryStateMachine(RaftSettings settings) {
        this.minimumTtl = settings.minimumSessionTimeout();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "elector-raft-registry");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        load(storage.loadLatestSnapshot());
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * Refuses, before it is logged, what the registry must not apply: a session shorter than three of the
     * slowest Raft elections, and anything that is not a registry command. The refusal is decided here, on
     * the leader, once, and logged in the command's place, so that every node applies the same answer even
     * if their settings differ, and no node ever fails to apply an entry.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        String refusal;
        try {
            Object command = Wire.read(request.getMessage().getContent());
            refusal = !(command instanceof Wire.Command) ? "not a registry command: " + command.getClass().getSimpleName()
                    : command instanceof Wire.Open open ? RaftSettings.tooShort(Duration.ofMillis(open.ttlMillis()), minimumTtl) : null;
        } catch (RuntimeException e) {
            refusal = "not a registry command: " + e.getMessage();
        }
        if (refusal == null) {
            return super.startTransaction(request);
        }
        return TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request)
                .setLogData(Wire.message(new Wire.Refuse(refusal)).getContent()).build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Object read;
        try {
            read = Wire.read(entry.getStateMachineLogEntry().getLogData());
        } catch (RuntimeException e) {
            read = new Wire.Refuse("not a registry command: " + e.getMessage()); // only a leader of another version logs one
        }
        Wire.Command command = read instanceof Wire.Command c ? c : new Wire.Refuse("not a registry command");
        Wire.Reply reply;
        List<Poll> answered;
        synchronized (this) {
            reply = registry.apply(entry.getIndex(), command);
            if (reply.status() == Wire.Status.OK && (command instanceof Wire.Open || command instanceof Wire.Renew)) {
                renewedAt.put(command instanceof Wire.Renew r ? r.session() : entry.getIndex(), System.nanoTime());
            } else if (command instanceof Wire.Close c && !registry.hasSession(c.session())) {
                renewedAt.remove(c.session());
            } else if (command instanceof Wire.Expire c && !registry.hasSession(c.session())) {
                renewedAt.remove(c.session());
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            answered = takeAnswerable();
        }
        answered.forEach(this::answer);
        return CompletableFuture.completedFuture(Wire.reply(reply));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        Object query = Wire.read(request.getContent());
        synchronized (this) {
            if (query instanceof Wire.PositionOf p) {
                return CompletableFuture.completedFuture(Wire.place(registry.position(p)));
            }
            if (query instanceof Wire.Exists e) {
                return CompletableFuture.completedFuture(Wire.exists(registry.exists(e)));
            }
            if (query instanceof Wire.ListEntries l) {
                return CompletableFuture.completedFuture(Wire.entries(registry.entries(l.election())));
            }
            if (query instanceof Wire.Changes c) {
                Feed feed = registry.changes(c.after(), c.prefix());
                if (feed.reset() || !feed.changes().isEmpty()) {
                    return CompletableFuture.completedFuture(Wire.feed(feed));
                }
                Poll poll = new Poll(c.after(), c.prefix(), new CompletableFuture<>());
                polls.add(poll);
                timer.schedule(() -> {
                    synchronized (this) {
                        if (!polls.remove(poll)) {
                            return;
                        }
                    }
                    answer(poll);
                }, FEED_HOLD.toMillis(), TimeUnit.MILLISECONDS);
                return poll.answer();
            }
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("not a query: " + query));
    }

    /** The polls that now have something to report; removed from the waiting list. Called holding the lock. */
    private List<Poll> takeAnswerable() {
        List<Poll> ready = new ArrayList<>();
        polls.removeIf(p -> {
            Feed feed = registry.changes(p.after(), p.prefix());
            boolean now = feed.reset() || !feed.changes().isEmpty();
            if (now) {
                ready.add(p);
            }
            return now;
        });
        return ready;
    }

    /** Completes a poll outside the lock: Ratis sends the reply on the completing thread. */
    private void answer(Poll poll) {
        Feed feed;
        synchronized (this) {
            feed = registry.changes(poll.after(), poll.prefix());
        }
        poll.answer().complete(Wire.feed(feed));
    }

    /** Every tick on the timer thread: on a ready Raft leader, propose the expiry of silent sessions. */
    private void tick() {
        try {
            DivisionInfo info = getServer().get().getDivision(getGroupId()).getInfo();
            if (!info.isLeader() || !info.isLeaderReady()) {
                leaderTerm = -1;
                return;
            }
            long now = System.nanoTime();
            if (info.getCurrentTerm() != leaderTerm) {
                // Promotion restarts every session's clock: this node may not have applied the latest renewals.
                leaderTerm = info.getCurrentTerm();
                leaderSince = now;
                proposed.clear();
            }
            List<Wire.Expire> due;
            synchronized (this) {
                due = due(registry.sessions(), renewedAt, leaderSince, now);
            }
            proposed.retainAll(due);
            for (Wire.Expire expire : due) {
                if (proposed.add(expire)) {
                    log.debug("Session {} silent for its TTL; proposing its expiry", expire.session());
                    propose(expire).whenComplete((reply, error) -> {
                        if (error != null || !reply.isSuccess()) {
                            timer.execute(() -> proposed.remove(expire)); // propose again at a later tick
                        }
                    });
                }
            }
        } catch (Exception | LinkageError e) {
            log.debug("Expiry tick skipped: {}", e.toString()); // the server is starting or stopping
        }
    }

    /**
     * The sessions silent for their TTL, measured on this leader's clock from the later of its own apply of
     * their last renewal and its own promotion; a session with no renewal applied here is measured from the
     * promotion. Each expiry names the renewal it was measured from.
     *
     * @param renewedAt local times of the renewals applied here, per session
     * @param leaderSince when this node became a ready leader
     * @param now the time now, on the same clock
     */
    static List<Wire.Expire> due(List<RegistryState.Session> sessions, Map<Long, Long> renewedAt, long leaderSince, long now) {
        List<Wire.Expire> due = new ArrayList<>();
        for (RegistryState.Session s : sessions) {
            long from = Math.max(renewedAt.getOrDefault(s.id(), leaderSince), leaderSince);
            if (now - from > TimeUnit.MILLISECONDS.toNanos(s.ttlMillis())) {
                due.add(new Wire.Expire(s.id(), s.lastRenewIndex()));
            }
        }
        return due;
    }

    /**
     * Submits a command to this node's own server, which leads: no client and no sliding window of requests
     * between the ticker and the log, so one failed proposal never holds up the next.
     */
    private CompletableFuture<RaftClientReply> propose(Wire.Expire expire) throws IOException {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(proposer)
                .setServerId(getId())
                .setGroupId(getGroupId())
                .setCallId(calls.incrementAndGet())
                .setMessage(Wire.message(expire))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        return getServer().join().submitClientRequestAsync(request);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last;
        byte[] state;
        synchronized (this) {
            last = getLastAppliedTermIndex();
            state = registry.snapshot();
        }
        if (last == null) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File partial = new File(file.getPath() + ".partial");
        Files.write(partial.toPath(), state);
        Files.move(partial.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), null), last));
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        try (InputStream in = Files.newInputStream(snapshot.getFile().getPath())) {
            synchronized (this) {
                registry.restore(new DataInputStream(in));
                renewedAt.clear();
            }
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS); // a tick in progress ends before the server goes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Poll> open;
        synchronized (this) {
            open = new ArrayList<>(polls);
            polls.clear();
        }
        open.forEach(p -> p.answer().completeExceptionally(new IOException("the Raft node is closing")));
        super.close();
    }
}
