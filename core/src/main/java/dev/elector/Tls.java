package dev.elector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable TLS settings of a {@link Coordinator}, backend-neutral: one set of PEM files serves ZooKeeper
 * and etcd. Without trusted certificates the JVM's default trust store decides which servers are trusted;
 * without a key pair the client presents no certificate.
 *
 * <pre>{@code
 * Tls tls = Tls.builder()
 *         .trustedCertificates(Path.of("ca.crt"))                   // PEM, one or more CA certificates
 *         .keyPair(Path.of("client.crt"), Path.of("client.key"))   // PEM; the key unencrypted PKCS#8
 *         .build();
 * }</pre>
 *
 * <p>The files are checked when the settings are built, so a wrong path fails at once and names the file,
 * and read again whenever a backend connects. {@link #toString()} shows paths only, never file contents.
 */
public final class Tls {
    private static final Tls DEFAULT_TRUST = builder().build();

    private final Path trustedCertificates;
    private final Path certificate;
    private final Path privateKey;

    private Tls(Builder b) {
        this.trustedCertificates = b.trustedCertificates == null ? null : pem("trustedCertificates", b.trustedCertificates, "CERTIFICATE");
        if ((b.certificate == null) != (b.privateKey == null)) {
            throw new IllegalArgumentException("keyPair needs both a certificate and its private key");
        }
        this.certificate = b.certificate == null ? null : pem("certificate", b.certificate, "CERTIFICATE");
        this.privateKey = b.privateKey == null ? null : privateKey(b.privateKey);
    }

    /**
     * TLS with the JVM's default trust store and no client certificate: what the URI option {@code tls=true}
     * turns on.
     *
     * @return the default-trust settings
     */
    public static Tls defaultTrust() {
        return DEFAULT_TRUST;
    }

    /**
     * A builder with nothing set: the JVM's default trust, no client certificate.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The PEM file of the CA certificates that may sign the servers' certificates.
     *
     * @return the file, or empty for the JVM's default trust store
     */
    public Optional<Path> trustedCertificates() {
        return Optional.ofNullable(trustedCertificates);
    }

    /**
     * The PEM file of the client's certificate chain, presented when the server asks for one.
     *
     * @return the file, or empty if the client presents none
     */
    public Optional<Path> certificate() {
        return Optional.ofNullable(certificate);
    }

    /**
     * The PEM file of the client certificate's private key, unencrypted PKCS#8
     * ({@code BEGIN PRIVATE KEY}).
     *
     * @return the file, or empty if the client presents no certificate
     */
    public Optional<Path> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    @Override
    public String toString() {
        return "Tls{trust=" + (trustedCertificates == null ? "default" : trustedCertificates)
                + (certificate == null ? "" : ", certificate=" + certificate + ", key=" + privateKey) + "}";
    }

    private static Path pem(String what, Path file, String type) {
        String text = read(what, file);
        if (!text.contains("-----BEGIN " + type + "-----")) {
            throw new IllegalArgumentException(what + " " + file + " holds no PEM " + type.toLowerCase(java.util.Locale.ROOT)
                    + ": expected a '-----BEGIN " + type + "-----' block");
        }
        return file;
    }

    private static Path privateKey(Path file) {
        String text = read("privateKey", file);
        if (text.contains("-----BEGIN PRIVATE KEY-----")) {
            return file;
        }
        String hint = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "it is encrypted"
                : text.contains("PRIVATE KEY-----") ? "it is in a legacy format (PKCS#1 or SEC1)" : "it holds no PEM private key";
        throw new IllegalArgumentException("privateKey " + file + " must be an unencrypted PKCS#8 PEM key ('-----BEGIN PRIVATE KEY-----'), but "
                + hint + ": convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out client.key'");
    }

    /** The file's text; never put into a message, as a key file is a secret. */
    private static String read(String what, Path file) {
        Objects.requireNonNull(file, what);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not a readable file");
        }
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " " + file + " could not be read", e);
        }
    }

    /** Builds {@link Tls}; the files are checked in {@link #build()}. */
    public static final class Builder {
        private Path trustedCertificates;
        private Path certificate;
        private Path privateKey;

        private Builder() {
        }

        /**
         * Trusts servers whose certificates these CAs signed, instead of the JVM's default trust store.
         *
         * @param pemFile a PEM file of one or more CA certificates
         * @return this builder
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = pemFile;
            return this;
        }

        /**
         * Presents this certificate to servers that ask for one (mutual TLS). On etcd with
         * {@code --client-cert-auth}, the certificate's common name is the user when no credentials are set.
         *
         * @param certificatePem the client's certificate chain in PEM
         * @param privateKeyPem its private key, unencrypted PKCS#8 PEM; may be the same file as the certificate
         * @return this builder
         */
        public Builder keyPair(Path certificatePem, Path privateKeyPem) {
            this.certificate = certificatePem;
            this.privateKey = privateKeyPem;
            return this;
        }

        /**
         * Checks that the files exist and hold what they should, and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the file and the rule it breaks
         */
        public Tls build() {
            return new Tls(this);
        }
    }
}
