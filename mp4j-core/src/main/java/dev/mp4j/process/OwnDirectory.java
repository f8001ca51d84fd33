package dev.mp4j.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory of this user's own under the shared temporary directory, for what children are
 * started from (kept jars, start-up caches): anyone may make a directory of that name in
 * {@code /tmp} first, and whatever is planted in it would run in this user's children.
 */
final class OwnDirectory {
    private OwnDirectory() {
    }

    /**
     * Makes {@code dir} (mode 0700) if it is missing, then checks it: a directory, not a
     * symbolic link, owned by this process's user, and neither readable nor writable by others.
     *
     * @return whether it can be trusted; false also where that cannot be told
     */
    static boolean makeOrVet(Path dir) {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // vetted below
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        Path probe = null;
        try {
            // Whose this process is, as the file system says it: the owner of a file it just made.
            probe = Files.createTempFile(dir.getParent(), "mp4j-owner-", ".probe");
            return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(probe))
                    && "rwx------".equals(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException | RuntimeException cannotTell) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // an empty probe file left in the temporary directory
                }
            }
        }
    }
}
