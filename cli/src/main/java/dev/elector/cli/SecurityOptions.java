package dev.elector.cli;

import dev.elector.CoordinatorOptions;
import dev.elector.Credentials;
import dev.elector.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS and credentials for the commands that connect, with etcdctl's names. A password is never a flag
 * value, which any user could read in the process list: it comes from {@code --password-file}, read
 * each time the client authenticates, or from the {@code ELECTOR_PASSWORD} environment variable.
 */
final class SecurityOptions {
    static final String PASSWORD_VARIABLE = "ELECTOR_PASSWORD";

    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM file of the CAs that sign the servers' certificates; turns TLS on.")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM file of this client's certificate, for servers that require one; turns TLS on.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM file of the client certificate's unencrypted PKCS#8 key.")
    Path key;

    @Option(names = "--user", paramLabel = "NAME",
            description = "User for etcd auth or ZooKeeper digest; the password comes from --password-file or $" + PASSWORD_VARIABLE + ".")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password of --user (one line).")
    Path passwordFile;

    /** The options these flags give; plaintext and anonymous without any. */
    CoordinatorOptions options() {
        return builder().build();
    }

    /** A builder with these flags' TLS and credentials set, for a command to add options of its own. */
    CoordinatorOptions.Builder builder() {
        CoordinatorOptions.Builder builder = CoordinatorOptions.builder();
        if (cacert != null || cert != null || key != null) {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--cert and --key go together: give both or neither");
            }
            Tls.Builder tls = Tls.builder();
            if (cacert != null) {
                tls.trustedCertificates(cacert);
            }
            if (cert != null) {
                tls.keyPair(cert, key);
            }
            builder.tls(tls.build());
        }
        if (user != null) {
            builder.credentials(Credentials.password(user, password()));
        } else if (passwordFile != null) {
            throw new IllegalArgumentException("--password-file needs --user");
        }
        return builder;
    }

    private java.util.function.Supplier<char[]> password() {
        if (passwordFile != null) {
            if (!Files.isReadable(passwordFile)) {
                throw new IllegalArgumentException("--password-file " + passwordFile + " is not a readable file");
            }
            return () -> {
                try {
                    String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                    return text.strip().toCharArray();
                } catch (IOException e) {
                    throw new UncheckedIOException("--password-file " + passwordFile + " could not be read", e);
                }
            };
        }
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        if (fromEnvironment == null || fromEnvironment.isEmpty()) {
            throw new IllegalArgumentException("--user " + user + " needs a password: give --password-file FILE or set $" + PASSWORD_VARIABLE);
        }
        return fromEnvironment::toCharArray;
    }
}
