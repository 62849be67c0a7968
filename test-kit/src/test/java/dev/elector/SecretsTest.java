package dev.elector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets stay out of URIs, messages and toString(); TLS files are checked when the settings are built. */
class SecretsTest {
    private static final String SECRET = "s3cr3t-Pa55";

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void aUriWithUserInfoIsRefusedWithoutEchoingIt() {
        for (String uri : new String[] {"mem://app:" + SECRET + "@h1:2181/ns", "mem://app:" + SECRET + "@h1,h2/ns?tls=true",
            "mem://" + SECRET + "@h"}) {
            String msg = refused(() -> Coordinator.connect(uri));
            assertFalse(msg.contains(SECRET), msg);
            assertFalse(msg.contains("app:"), msg);
            assertTrue(msg.contains("credentials") && msg.contains("CoordinatorOptions.credentials"), msg);
        }
    }

    @Test
    void theValueOfAnUnknownUriOptionIsNotEchoed() {
        String msg = refused(() -> Coordinator.connect("mem://h/ns?password=" + SECRET));
        assertFalse(msg.contains(SECRET), msg);
        assertTrue(msg.contains("unknown option 'password'") && msg.contains("tls"), msg);
    }

    @Test
    void credentialsShowTheUserOnlyAndAskTheSupplierEachTime() {
        int[] calls = {0};
        Credentials c = Credentials.password("app", () -> {
            calls[0]++;
            return SECRET.toCharArray();
        });
        CoordinatorOptions o = CoordinatorOptions.builder().credentials(c).build();
        assertFalse(c.toString().contains(SECRET), c.toString());
        assertFalse(o.toString().contains(SECRET), o.toString());
        assertTrue(o.toString().contains("credentials=app"), o.toString());
        assertEquals(0, calls[0], "nothing asked for the password yet");
        assertEquals(SECRET, new String(c.password()));
        assertEquals(1, calls[0]);
        assertTrue(o.toBuilder().build().credentials().isPresent(), "toBuilder keeps the credentials");
    }

    @Test
    void badCredentialsAreRefusedNamingTheRule() {
        assertTrue(refused(() -> Credentials.password("", () -> SECRET.toCharArray())).contains("1 to 128"));
        assertTrue(refused(() -> Credentials.password("a:b", () -> SECRET.toCharArray())).contains("must not contain ':'"));
        assertTrue(refused(() -> Credentials.password("a\nb", () -> SECRET.toCharArray())).contains("control"));
        String empty = refused(() -> Credentials.password("app", () -> new char[0]).password());
        assertTrue(empty.contains("'app'") && empty.contains("no password"), empty);
    }

    @Test
    void tlsOnTheUriTurnsOnDefaultTrustUnlessTheOptionsCarryTlsAndFalseTurnsItOff(@TempDir Path dir) throws Exception {
        assertEquals(Tls.defaultTrust(), Uris.parse("mem://h?tls=true", 1, CoordinatorOptions.defaults()).options().tls().orElseThrow());
        Tls own = Tls.builder().trustedCertificates(pem(dir, "ca.crt", "CERTIFICATE")).build();
        CoordinatorOptions withTls = CoordinatorOptions.builder().tls(own).build();
        assertEquals(own, Uris.parse("mem://h?tls=true", 1, withTls).options().tls().orElseThrow());
        assertTrue(Uris.parse("mem://h?tls=false", 1, withTls).options().tls().isEmpty());
        assertTrue(refused(() -> Uris.parse("mem://h?tls=yes", 1, withTls)).contains("tls 'yes' must be true or false"));
    }

    @Test
    void backendOptionsReachTheBackendAndOthersAreRefused() {
        var spec = Uris.parse("mem://h/ns?acl=creator&sessionTimeout=4s", 1, CoordinatorOptions.defaults(), Set.of("acl"));
        assertEquals("creator", spec.parameters().get("acl"));
        assertTrue(refused(() -> Uris.parse("mem://h/ns?acl=creator", 1, CoordinatorOptions.defaults())).contains("unknown option 'acl'"));
    }

    @Test
    void tlsFilesAreCheckedAtBuildAndTheirContentsNeverShown(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.crt");
        assertTrue(refused(() -> Tls.builder().trustedCertificates(missing).build()).contains(missing + " is not a readable file"));
        Path notPem = Files.writeString(dir.resolve("junk.crt"), "junk");
        assertTrue(refused(() -> Tls.builder().trustedCertificates(notPem).build()).contains("holds no PEM certificate"));
        Path cert = pem(dir, "client.crt", "CERTIFICATE");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\n" + SECRET + "\n-----END RSA PRIVATE KEY-----\n");
        String msg = refused(() -> Tls.builder().keyPair(cert, pkcs1).build());
        assertTrue(msg.contains("PKCS#8") && msg.contains("openssl pkcs8"), msg);
        assertFalse(msg.contains(SECRET), msg);
        assertTrue(refused(() -> Tls.builder().keyPair(cert, null).build()).contains("both"));
        Path key = pem(dir, "client.key", "PRIVATE KEY");
        Tls tls = Tls.builder().keyPair(cert, key).build();
        assertEquals(key, tls.privateKey().orElseThrow());
        assertFalse(tls.toString().contains(SECRET), tls.toString());
    }

    private static Path pem(Path dir, String name, String type) throws Exception {
        return Files.writeString(dir.resolve(name), "-----BEGIN " + type + "-----\n" + SECRET + "\n-----END " + type + "-----\n");
    }
}
