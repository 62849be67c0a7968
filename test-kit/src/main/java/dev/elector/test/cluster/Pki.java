package dev.elector.test.cluster;

import dev.elector.CoordinatorOptions;
import dev.elector.Credentials;
import dev.elector.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI for the security suites, made with openssl at test time and never committed: a CA, a
 * server certificate for 127.0.0.1 and localhost, client certificates whose common names are the test
 * users, and a second CA with a client certificate of its own (a stranger to the servers). PEM, PKCS#8
 * keys, valid one day. Made once per JVM, in a folder deleted when the JVM exits; a child JVM finds it
 * through {@link #PROPERTY}.
 */
public final class Pki {
    /** System property naming the folder, for participants in child JVMs. */
    public static final String PROPERTY = "elector.it.pki";
    /** The test users and their passwords: fixtures of throwaway clusters, which the leak checks look for. */
    public static final Map<String, String> PASSWORDS = Map.of(
            "root", "root-Pw-7781", "app", "app-Pw-4412", "reader", "reader-Pw-9923", "intruder", "intruder-Pw-3307");

    private static Pki shared;
    private final Path dir;

    private Pki(Path dir) {
        this.dir = dir;
    }

    /**
     * The PKI of this JVM: made on first use, or the parent JVM's one.
     *
     * @return the PKI
     * @throws IllegalStateException if openssl could not make it
     */
    public static synchronized Pki shared() {
        if (shared == null) {
            String given = System.getProperty(PROPERTY);
            shared = given != null ? new Pki(Path.of(given)) : make();
        }
        return shared;
    }

    private static Pki make() {
        try {
            Path dir = Files.createTempDirectory(Processes.dataRoot(), "elector-pki-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Processes.deleteTree(dir)));
            String script = String.join("\n",
                    "set -e",
                    "q() { \"$@\" >/dev/null 2>&1; }",
                    "ca() { q openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj \"/CN=$1\" -keyout \"$1.key\" -out \"$1.crt\"; }",
                    "leaf() { ca=$1; name=$2; cn=$3; shift 3; printf '%s\\n' \"$@\" > \"$name.ext\"",
                    "  q openssl req -newkey rsa:2048 -nodes -subj \"/CN=$cn\" -keyout \"$name.key\" -out \"$name.csr\"",
                    "  q openssl x509 -req -in \"$name.csr\" -CA \"$ca.crt\" -CAkey \"$ca.key\" -CAcreateserial -days 1 -extfile \"$name.ext\" -out \"$name.crt\"",
                    "  cat \"$name.key\" \"$name.crt\" > \"$name.pem\"; }",
                    "client() { leaf \"$1\" \"$2\" \"$3\" 'extendedKeyUsage=clientAuth' 'keyUsage=digitalSignature,keyEncipherment'; }",
                    "ca ca; ca other-ca",
                    "leaf ca server localhost 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth,clientAuth' "
                            + "'keyUsage=digitalSignature,keyEncipherment'",
                    "client ca root root; client ca app app; client ca reader reader; client ca intruder intruder; client ca certuser certuser",
                    "client other-ca rogue app",
                    "");
            Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make the test PKI (scripts/test installs openssl): " + out);
            }
            return new Pki(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The folder that holds every key and certificate, as {@link #PROPERTY} names it to a child JVM.
     *
     * @return the folder
     */
    public Path dir() {
        return dir;
    }

    /**
     * The CA that signed the servers' and the users' certificates.
     *
     * @return the CA's certificate, PEM
     */
    public Path ca() {
        return dir.resolve("ca.crt");
    }

    /**
     * The second CA, which the servers do not trust; it signed only {@code rogue}'s certificate.
     *
     * @return the CA's certificate, PEM
     */
    public Path otherCa() {
        return dir.resolve("other-ca.crt");
    }

    /**
     * The certificate of a server or user.
     *
     * @param name {@code server}, a test user such as {@code app}, {@code certuser}, or {@code rogue}
     * @return the certificate, PEM
     */
    public Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    /**
     * The private key that goes with {@link #cert(String) cert(name)}.
     *
     * @param name {@code server}, a test user such as {@code app}, {@code certuser}, or {@code rogue}
     * @return the key, PEM, PKCS#8, not encrypted
     */
    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /**
     * Key and certificate in one file, as ZooKeeper's PEM key store reads them.
     *
     * @param name {@code server}, a test user such as {@code app}, {@code certuser}, or {@code rogue}
     * @return the file, PEM
     */
    public Path pem(String name) {
        return dir.resolve(name + ".pem");
    }

    /**
     * Trusts the test CA and presents the named client certificate.
     *
     * @param client the user whose certificate and key are presented
     * @return the TLS settings
     */
    public Tls tls(String client) {
        return Tls.builder().trustedCertificates(ca()).keyPair(cert(client), key(client)).build();
    }

    /**
     * The user's password credentials, from {@link #PASSWORDS}.
     *
     * @param user one of {@link #PASSWORDS}' users
     * @return the credentials
     */
    public static Credentials credentials(String user) {
        String password = PASSWORDS.get(user);
        return Credentials.password(user, password::toCharArray);
    }

    /**
     * TLS with the named client certificate, and the user's password if {@code withPassword}.
     *
     * @param user the user whose certificate is presented
     * @param withPassword true to send the user's password too
     * @return the options
     */
    public CoordinatorOptions options(String user, boolean withPassword) {
        CoordinatorOptions.Builder b = CoordinatorOptions.builder().tls(tls(user));
        if (withPassword) {
            b.credentials(credentials(user));
        }
        return b.build();
    }

    /**
     * The JVM arguments that give a child JVM this PKI and identity for {@link ParticipantMain}.
     *
     * @param user the user the child connects as
     * @param withPassword true if the child sends the user's password too
     * @return the {@code -D} arguments, which {@link #childOptions()} reads
     */
    public List<String> childJvmArgs(String user, boolean withPassword) {
        return List.of("-D" + PROPERTY + "=" + dir, "-Delector.it.user=" + user, "-Delector.it.password=" + withPassword);
    }

    /**
     * The options a child JVM was given with {@link #childJvmArgs}, or the defaults.
     *
     * @return the options, as {@link #options} makes them for the given user
     */
    public static CoordinatorOptions childOptions() {
        String user = System.getProperty("elector.it.user");
        return user == null ? CoordinatorOptions.defaults() : shared().options(user, Boolean.getBoolean("elector.it.password"));
    }
}
