package dev.elector.test.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which etcd the ETCD tier runs: a named binary before the PATH's, and a wrong name is an error, not a skip. */
class EtcdBinaryTest {
    @TempDir
    Path dir;

    @AfterEach
    void forgetTheName() {
        System.clearProperty(EtcdCluster.BINARY_PROPERTY);
    }

    private static Path executable(Path path) throws IOException {
        Files.writeString(path, "#!/bin/sh\n");
        assertTrue(path.toFile().setExecutable(true));
        return path;
    }

    @Test
    void aNamedBinaryComesBeforeThePathsAndItsEtcdctlFromBesideIt() throws IOException {
        Path etcd = executable(dir.resolve("etcd"));
        Path etcdctl = executable(dir.resolve("etcdctl"));
        System.setProperty(EtcdCluster.BINARY_PROPERTY, etcd.toString());
        assertEquals(Optional.of(etcd), EtcdCluster.binary());
        assertEquals(etcd.toString(), EtcdCluster.binary("etcd"));
        assertEquals(etcdctl.toString(), EtcdCluster.binary("etcdctl"));
    }

    @Test
    void aNamedFileThatCannotRunIsAnErrorThatNamesIt() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("etcd"), "");
        System.setProperty(EtcdCluster.BINARY_PROPERTY, notExecutable.toString());
        String message = assertThrows(IllegalStateException.class, EtcdCluster::binary).getMessage();
        assertTrue(message.contains("elector.test.etcd") && message.contains(notExecutable + ", which is not an executable file"), message);
    }
}
