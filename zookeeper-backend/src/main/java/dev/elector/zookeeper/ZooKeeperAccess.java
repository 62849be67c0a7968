package dev.elector.zookeeper;

import dev.elector.AccessDeniedException;
import dev.elector.Credentials;
import dev.elector.ElectionException;
import dev.elector.Tls;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;

/**
 * Who this coordinator is to ZooKeeper and what its nodes let others do: digest credentials, the ACL of
 * every node Elector creates, the TLS client configuration, and the connect check that turns ZooKeeper's
 * silence into a clear error. ZooKeeper accepts any digest credentials at connect and refuses only later,
 * per node, and it only logs a failed TLS handshake; both are found out here, at connect.
 */
final class ZooKeeperAccess implements ACLProvider, AutoCloseable {
    /** The {@code acl} URI option. */
    enum Mode {
        /** Only the creating identity may do anything: the default with credentials. */
        CREATOR("creator"),
        /** The creator may do anything, everyone may read: {@code elector status} works without credentials. */
        CREATOR_READ("creator-read"),
        /** Anyone may do anything: the default without credentials, as a development cluster runs. */
        OPEN("open");

        final String text;

        Mode(String text) {
            this.text = text;
        }
    }

    private final Mode mode;
    private final List<ACL> acl;
    private final Credentials credentials;
    private final ZKClientConfig clientConfig;
    /** A key-and-certificate file made for ZooKeeper's PEM key store, deleted on close; null if none was needed. */
    private final Path madeKeyStore;

    /** Set for an application's own client, whose identity Elector does not know. */
    private final boolean external;

    private ZooKeeperAccess(Mode mode, Credentials credentials, ZKClientConfig clientConfig, Path madeKeyStore, boolean external) {
        this.external = external;
        this.mode = mode;
        this.credentials = credentials;
        this.clientConfig = clientConfig;
        this.madeKeyStore = madeKeyStore;
        List<ACL> list = new ArrayList<>();
        switch (mode) {
            case CREATOR -> list.addAll(ZooDefs.Ids.CREATOR_ALL_ACL);
            case CREATOR_READ -> {
                list.addAll(ZooDefs.Ids.CREATOR_ALL_ACL);
                list.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
            }
            default -> list.addAll(ZooDefs.Ids.OPEN_ACL_UNSAFE);
        }
        // Not List.copyOf: ZooKeeper checks acl.contains(null), which an immutable list answers with an exception.
        this.acl = java.util.Collections.unmodifiableList(list);
    }

    static ZooKeeperAccess of(ConnectionSpec spec) {
        Optional<Credentials> credentials = spec.options().credentials();
        Optional<Tls> tls = spec.options().tls();
        boolean identified = credentials.isPresent() || tls.flatMap(Tls::certificate).isPresent();
        String given = spec.parameters().get("acl");
        Mode mode = given == null ? (credentials.isPresent() ? Mode.CREATOR : Mode.OPEN) : mode(given);
        if (mode != Mode.OPEN && !identified) {
            throw new IllegalArgumentException("acl=" + mode.text + " gives the nodes to their creator, but this client has no identity: "
                    + "set CoordinatorOptions.credentials (ZooKeeper digest) or a TLS client certificate, or use acl=open");
        }
        Path made = null;
        ZKClientConfig config = new ZKClientConfig();
        if (tls.isPresent()) {
            made = tlsConfig(tls.get(), config);
        }
        return new ZooKeeperAccess(mode, credentials.orElse(null), config, made, false);
    }

    /**
     * For an application's own client: its authentication and ACL provider are its own, so Elector only
     * checks that it may read the namespace.
     */
    static ZooKeeperAccess external() {
        return new ZooKeeperAccess(Mode.OPEN, null, new ZKClientConfig(), null, true);
    }

    private static Mode mode(String text) {
        return Arrays.stream(Mode.values()).filter(m -> m.text.equals(text)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "acl '" + text + "' is not an ACL mode: use creator, creator-read or open"));
    }

    /**
     * ZooKeeper's Netty client with PEM stores, set per client (not through system properties). ZooKeeper
     * reads the key and its certificate from one PEM file; if they are two, one is made, readable by the
     * owner only.
     */
    private static Path tlsConfig(Tls tls, ZKClientConfig config) {
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        tls.trustedCertificates().ifPresent(ca -> {
            config.setProperty("zookeeper.ssl.trustStore.location", ca.toString());
            config.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        });
        if (tls.certificate().isEmpty()) {
            return null;
        }
        Path certificate = tls.certificate().get();
        Path key = tls.privateKey().orElseThrow();
        Path store = certificate;
        Path made = null;
        if (!certificate.equals(key)) {
            try {
                made = Files.createTempFile("elector-zk-", ".pem", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(made, concat(Files.readAllBytes(key), Files.readAllBytes(certificate)));
                store = made;
            } catch (IOException e) {
                deleteQuietly(made);
                throw new UncheckedIOException("could not prepare ZooKeeper's key store from " + tls, e);
            }
        }
        config.setProperty("zookeeper.ssl.keyStore.location", store.toString());
        config.setProperty("zookeeper.ssl.keyStore.type", "PEM");
        return made;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }

    /** Applies the identity, the ACLs and TLS to Curator's builder. */
    void configure(CuratorFrameworkFactory.Builder builder) {
        builder.aclProvider(this).zkClientConfig(clientConfig);
        if (credentials != null) {
            char[] password = credentials.password();
            byte[] auth = (credentials.user() + ":" + new String(password)).getBytes(StandardCharsets.UTF_8);
            Arrays.fill(password, '\0');
            // Curator keeps this to add to every new ZooKeeper handle, so a session lost and made again is authenticated too.
            builder.authorization("digest", auth);
        }
    }

    boolean tls() {
        return "true".equals(clientConfig.getProperty(ZKClientConfig.SECURE_CLIENT));
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return acl;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return acl;
    }

    /** Whether TLS is on with a client certificate, which is an identity of its own on servers with the x509 provider. */
    private boolean presentsCertificate() {
        return tls() && clientConfig.getProperty("zookeeper.ssl.keyStore.location") != null;
    }

    private String identity() {
        if (external) {
            return "the identity of the application's CuratorFramework";
        }
        if (credentials != null) {
            return "digest user '" + credentials.user() + "'";
        }
        return presentsCertificate() ? "the client certificate" : "an anonymous client";
    }

    /**
     * Makes sure the namespace node exists with this coordinator's ACL and that this identity may read it.
     * In the creator modes the namespace node is persistent, not a container: ZooKeeper reaps an empty
     * container, and anyone may create a node at the root, so another client could take the name. A
     * namespace that lets everyone create or delete children is refused: the parent's ACL decides who may
     * delete a child, so any client could delete a leader's entry.
     */
    void checkNamespace(CuratorFramework client, String namespace) throws Exception {
        CuratorFramework root = client.usingNamespace(null);
        String path = "/" + namespace;
        try {
            if (mode != Mode.OPEN) {
                try {
                    root.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
                } catch (KeeperException.NodeExistsException e) {
                    // made before, by us or an operator: its ACL is checked below
                }
                for (ACL entry : root.getACL().forPath(path)) {
                    boolean everyone = entry.getId().getScheme().equals("world");
                    if (everyone && (entry.getPerms() & (ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE)) != 0) {
                        throw new AccessDeniedException("ZooKeeper node " + path + " lets everyone (world:anyone) create and delete its children, "
                                + "so any client could delete a leader's entry. Give it the creator's ACL (setAcl " + path + " auth:<user>:cdrwa), "
                                + "or connect with acl=open", null);
                    }
                }
            }
            root.getData().forPath(path); // READ, as every candidate's list of its election needs
        } catch (KeeperException.NoNodeException e) {
            // acl=open and no election yet: Curator makes the namespace when the first election joins
        } catch (KeeperException.NoAuthException e) {
            throw new AccessDeniedException("ZooKeeper denied " + identity() + " access to " + path + " (NoAuth)"
                    + (credentials != null ? ": the password is wrong (ZooKeeper's digest scheme accepts any at connect), or the node's "
                    + "ACL does not grant this user read, create and delete"
                    : external ? ": give the CuratorFramework the authorization the node's ACL grants"
                    : presentsCertificate()
                    ? ": the node's ACL does not grant this certificate's identity read, create and delete"
                    : ": the node's ACL needs an identity, set CoordinatorOptions.credentials"), e);
        } catch (KeeperException.InvalidACLException e) {
            throw new ElectionException("ZooKeeper refused the ACL of acl=" + mode.text + " for " + identity()
                    + ": an x509 identity needs the server's X509AuthenticationProvider", e);
        }
    }

    /**
     * Why a TLS connection did not come up: ZooKeeper's client only logs a failed handshake, so one
     * handshake with ZooKeeper's own TLS settings is made against the first server and its error told.
     */
    String handshakeFailure(List<Endpoint> endpoints, int timeoutMillis) {
        Endpoint first = endpoints.get(0);
        try (SSLSocket socket = new ClientX509Util().createSSLContextAndOptions(clientConfig).createSSLSocket()) {
            socket.connect(new InetSocketAddress(first.host(), first.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.startHandshake();
            // TLS 1.3: a client certificate the server rejects shows only at the first read.
            OutputStream out = socket.getOutputStream();
            out.write(new byte[4]);
            out.flush();
            InputStream in = socket.getInputStream();
            in.read();
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return null; // the handshake passed; the server waits for more
        } catch (Exception e) {
            String reason = String.valueOf(e.getMessage());
            String hint = reason.toLowerCase(Locale.ROOT).contains("terminated the handshake") || reason.contains("shut down incorrectly")
                    || reason.contains("Unsupported or unrecognized SSL message") ? " (the server may not speak TLS on this port)" : "";
            return "the TLS handshake with " + first + " failed: " + reason + hint;
        }
    }

    @Override
    public void close() {
        deleteQuietly(madeKeyStore);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }
}
