package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that keep a directory someone else planted in /tmp from feeding this user's children (kept jars, start-up caches). */
class OwnDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingDirectoryIsMadeForThisUserAlone() throws Exception {
        Path dir = tmp.resolve("fresh");
        assertTrue(OwnDirectory.makeOrVet(dir));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(OwnDirectory.makeOrVet(dir), "made once, it is trusted again");
    }

    @Test
    void aDirectoryOthersCanWriteIsNotTrusted() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(OwnDirectory.makeOrVet(dir));
    }

    @Test
    void aSymbolicLinkToThisUsersOwnDirectoryIsNotTrusted() throws Exception {
        Path own = tmp.resolve("own");
        assertTrue(OwnDirectory.makeOrVet(own));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), own);
        assertTrue(Files.isSymbolicLink(link));
        assertFalse(OwnDirectory.makeOrVet(link));
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsNotTrusted() throws Exception {
        Path dir = tmp.resolve("theirs");
        assertTrue(OwnDirectory.makeOrVet(dir));
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        var owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        var other = lookup.lookupPrincipalByName(owner.getName().equals("nobody") ? "root" : "nobody");
        try {
            Files.setOwner(dir, other);
        } catch (java.io.IOException notAllowed) {
            // Only root may give a directory away; as anyone else, this case cannot be made.
            org.junit.jupiter.api.Assumptions.abort("cannot change a directory's owner here: " + notAllowed);
        }
        assertFalse(OwnDirectory.makeOrVet(dir));
    }
}
