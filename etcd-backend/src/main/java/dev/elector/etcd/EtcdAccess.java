package dev.elector.etcd;

import dev.elector.Durations;
import dev.elector.AccessDeniedException;
import dev.elector.AuthenticationException;
import dev.elector.CoordinatorUnavailableException;
import dev.elector.Credentials;
import dev.elector.ElectionException;
import dev.elector.Tls;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Who this coordinator is to etcd, and what etcd says when it refuses: the TLS context that both jetcd's
 * client and Elector's own watch channel use, the user and password, the token of the watch channel, and
 * the translation of etcd's refusals into typed errors that name the identity but never the secret.
 */
final class EtcdAccess {
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    private final SslContext sslContext;
    private final Credentials credentials;
    private final String identity;
    private final String namespacePrefix;
    /** The name Elector's watch channel checks the servers' certificates against, if the builder set one. */
    private final String authority;

    private EtcdAccess(SslContext sslContext, Credentials credentials, String identity, String namespacePrefix, String authority) {
        this.authority = authority;
        this.sslContext = sslContext;
        this.credentials = credentials;
        this.identity = identity;
        this.namespacePrefix = namespacePrefix;
    }

    static EtcdAccess of(Optional<Tls> tls, Optional<Credentials> credentials, String namespacePrefix) {
        SslContext context = tls.map(EtcdAccess::sslContext).orElse(null);
        String identity = credentials.map(c -> "user '" + c.user() + "'")
                .or(() -> tls.flatMap(Tls::certificate).map(EtcdAccess::subject).map(s -> "the client certificate " + s))
                .orElse("an anonymous client");
        return new EtcdAccess(context, credentials.orElse(null), identity, namespacePrefix, null);
    }

    /** The TLS context and credentials an application set on its own jetcd builder. */
    static EtcdAccess of(ClientBuilder builder, String namespacePrefix) {
        Credentials credentials = null;
        if (builder.user() != null && builder.password() != null) {
            ByteSequence password = builder.password();
            credentials = Credentials.password(builder.user().toString(StandardCharsets.UTF_8),
                    () -> {
                        CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(password.getBytes()));
                        char[] copy = new char[chars.remaining()]; // the buffer's array may be longer than its content
                        chars.get(copy);
                        return copy;
                    });
        }
        String identity = credentials != null ? "user '" + credentials.user() + "'"
                : builder.sslContext() != null ? "the client certificate of the application's builder" : "an anonymous client";
        return new EtcdAccess(builder.sslContext(), credentials, identity, namespacePrefix, builder.authority());
    }

    /** The authority override of the application's builder, or null. */
    String authority() {
        return authority;
    }

    private static SslContext sslContext(Tls tls) {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            tls.trustedCertificates().ifPresent(ca -> builder.trustManager(ca.toFile()));
            if (tls.certificate().isPresent()) {
                builder.keyManager(tls.certificate().get().toFile(), tls.privateKey().orElseThrow().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("The TLS settings " + tls + " could not be loaded: " + e.getMessage(), e);
        }
    }

    /** The certificate's subject, for messages: it names the identity etcd sees with {@code --client-cert-auth}. */
    private static String subject(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSubjectX500Principal().getName();
        } catch (IOException | java.security.GeneralSecurityException | ClassCastException e) {
            return certificate.toString();
        }
    }

    boolean tls() {
        return sslContext != null;
    }

    SslContext sslContext() {
        return sslContext;
    }

    /** Sets TLS and credentials on jetcd's builder; jetcd authenticates on its first call and again when the token goes stale. */
    void configure(ClientBuilder builder) {
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        if (credentials != null) {
            char[] password = credentials.password();
            java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[encoded.remaining()]; // the buffer's array may be longer than its content
            encoded.get(bytes);
            try {
                builder.user(ByteSequence.from(credentials.user(), StandardCharsets.UTF_8)).password(ByteSequence.from(bytes));
            } finally {
                Arrays.fill(password, '\0');
                Arrays.fill(bytes, (byte) 0);
                if (encoded.hasArray()) {
                    Arrays.fill(encoded.array(), (byte) 0);
                }
            }
        }
    }

    /** The token of Elector's own watch channel, or null when there are no credentials (a certificate identity has no token). */
    Token token(Channel channel, Duration timeout) {
        return credentials == null ? null : new Token(channel, timeout);
    }

    /**
     * etcd's refusal of {@code what} as a typed error, or null if {@code error} is no refusal. The server's
     * reason hides under jetcd's and gRPC's wrappers (a wrong password surfaces as a bare UNAUTHENTICATED
     * whose cause says why), so the whole chain is read.
     */
    ElectionException refusal(String what, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage());
            if (text.contains("invalid user ID or password")) {
                return new AuthenticationException("etcd refused the credentials of " + identity + " to " + what
                        + ": invalid user ID or password", error);
            }
            if (text.contains("password was given for no password user")) {
                return new AuthenticationException("etcd refused the credentials of " + identity + " to " + what
                        + ": the user authenticates by client certificate only; set no password", error);
            }
            if (text.contains("user name is empty")) {
                return new AuthenticationException("etcd requires credentials to " + what + ", and " + identity
                        + " has none: set CoordinatorOptions.credentials, or a client certificate whose common name is an etcd user", error);
            }
            if (text.contains("permission denied") || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.PERMISSION_DENIED)) {
                return new AccessDeniedException("etcd denied " + identity + " to " + what + ": permission denied. Grant its role "
                        + "readwrite on the key prefix " + namespacePrefix + " (read for observers only)", error);
            }
        }
        return null;
    }

    /**
     * Why the connection failed, for an error that would otherwise be a bare timeout: a TLS handshake
     * failure with the handshake's own reason, or a hint when one side speaks TLS and the other does not.
     */
    String unreachableReason(Throwable error) {
        String ssl = null;
        String last = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            last = t.getMessage();
            // BoringSSL's errors (OpenSslException) are no SSLException; their names say what they are.
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException || t.getClass().getSimpleName().contains("Ssl")) {
                ssl = t.getMessage();
            }
        }
        if (ssl != null && ssl.startsWith("not an SSL/TLS record")) {
            return "the TLS handshake failed: the server answered in plaintext; it does not speak TLS on this port";
        }
        if (ssl != null) {
            return "the TLS handshake failed: " + ssl;
        }
        String text = String.valueOf(error);
        if (!tls() && text.contains("Network closed for unknown reason")) {
            return "the server closed the connection at once; if it takes TLS on this port, set CoordinatorOptions.tls or ?tls=true";
        }
        if (tls() && text.contains("TLS negotiation")) {
            return "the server closed the connection during the TLS handshake; it may not speak TLS on this port";
        }
        return last;
    }

    /** Throws the refusal of {@code what} if {@code error} is one, else a {@link CoordinatorUnavailableException}. */
    ElectionException connectFailure(String what, String where, Duration limit, Throwable error) {
        ElectionException refusal = refusal(what, error);
        if (refusal != null) {
            return refusal;
        }
        return new CoordinatorUnavailableException("Could not " + what + " at " + where + " within the connect timeout of " + Durations.format(limit)
                + (error == null ? "" : ": " + unreachableReason(error)), error);
    }

    /**
     * The auth token on the calls of Elector's own channel, as jetcd's own client carries it: fetched with
     * {@code Authenticate} on the channel's first call, then cached. etcd binds a stream to the token it
     * opened with, and cancels a later watch create on it once that token expired; {@link #invalidate}
     * then makes the next stream authenticate again.
     */
    final class Token extends CallCredentials {
        private final AuthGrpc.AuthStub auth;
        private final Duration timeout;
        // Guarded by this.
        private CompletableFuture<String> current;

        private Token(Channel channel, Duration timeout) {
            this.auth = AuthGrpc.newStub(channel);
            this.timeout = timeout;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            token().whenComplete((token, error) -> {
                if (error == null) {
                    Metadata headers = new Metadata();
                    headers.put(TOKEN, token);
                    applier.apply(headers);
                } else {
                    ElectionException refusal = refusal("authenticate", error);
                    applier.fail(Status.UNAUTHENTICATED.withDescription(refusal != null ? refusal.getMessage() : "etcd authentication failed")
                            .withCause(error));
                }
            });
        }

        private synchronized CompletableFuture<String> token() {
            if (current == null || current.isCompletedExceptionally()) {
                current = authenticate();
            }
            return current;
        }

        /** Forgets the token, so that the next stream authenticates again. */
        synchronized void invalidate() {
            current = null;
        }

        private CompletableFuture<String> authenticate() {
            CompletableFuture<String> token = new CompletableFuture<>();
            char[] password = credentials.password();
            AuthenticateRequest request;
            try {
                request = AuthenticateRequest.newBuilder().setName(credentials.user()).setPassword(new String(password)).build();
            } finally {
                Arrays.fill(password, '\0');
            }
            auth.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).authenticate(request, new StreamObserver<>() {
                @Override
                public void onNext(AuthenticateResponse response) {
                    token.complete(response.getToken());
                }

                @Override
                public void onError(Throwable error) {
                    token.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                    token.completeExceptionally(new StatusException(Status.INTERNAL.withDescription("etcd sent no token")));
                }
            });
            return token;
        }
    }

    /** Whether a watch was cancelled because the token of its stream went stale: re-authenticate, then watch again. */
    static boolean staleToken(String cancelReason) {
        return cancelReason.contains("invalid auth token") || cancelReason.contains("revision of auth store is old");
    }
}
