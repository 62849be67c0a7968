package dev.elector.test.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** The same ensemble in Docker containers, for machines where a Docker engine runs. */
public final class ContainerEnsemble implements ZooKeeperEnsemble {
    private static final DockerImageName IMAGE = DockerImageName.parse("zookeeper:3.9.5");

    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> members = new ArrayList<>();

    /**
     * Starts {@code size} ZooKeeper containers on a network of their own, with the same tick as
     * {@link ProcessEnsemble}, and waits until each listens on its client port.
     *
     * @param size the number of members
     * @return the running ensemble
     */
    @SuppressWarnings("resource") // closed in close()
    public static ContainerEnsemble start(int size) {
        ContainerEnsemble ensemble = new ContainerEnsemble();
        String servers = IntStream.rangeClosed(1, size)
                .mapToObj(i -> "server." + i + "=zk" + i + ":2888:3888;2181")
                .collect(Collectors.joining(" "));
        try {
            for (int i = 1; i <= size; i++) {
                GenericContainer<?> c = new GenericContainer<>(IMAGE)
                        .withNetwork(ensemble.network)
                        .withNetworkAliases("zk" + i)
                        .withEnv("ZOO_MY_ID", Integer.toString(i))
                        .withEnv("ZOO_SERVERS", servers)
                        .withEnv("ZOO_TICK_TIME", Integer.toString(ProcessEnsemble.TICK_MS))
                        .withEnv("ZOO_4LW_COMMANDS_WHITELIST", "srvr,ruok")
                        .withEnv("ZOO_ADMINSERVER_ENABLED", "false")
                        .withExposedPorts(2181);
                ensemble.members.add(c);
            }
            ensemble.members.parallelStream().forEach(c -> c.waitingFor(Wait.forListeningPort()).start());
            return ensemble;
        } catch (RuntimeException e) {
            ensemble.close();
            throw e;
        }
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public String address(int member) {
        GenericContainer<?> c = members.get(member);
        return c.getHost() + ":" + c.getMappedPort(2181);
    }

    @Override
    public void pause(int member) {
        GenericContainer<?> c = members.get(member);
        c.getDockerClient().pauseContainerCmd(c.getContainerId()).exec();
    }

    @Override
    public void resume(int member) {
        GenericContainer<?> c = members.get(member);
        c.getDockerClient().unpauseContainerCmd(c.getContainerId()).exec();
    }

    /** Not offered: a restarted container may come back on other host ports. The fault suite runs on processes. */
    @Override
    public void kill(int member) {
        throw new UnsupportedOperationException("kill/restart of a container member is not supported; the fault suite uses process ensembles");
    }

    @Override
    public void restart(int member) {
        throw new UnsupportedOperationException("kill/restart of a container member is not supported; the fault suite uses process ensembles");
    }

    @Override
    public void close() {
        members.forEach(GenericContainer::stop);
        network.close();
    }
}
