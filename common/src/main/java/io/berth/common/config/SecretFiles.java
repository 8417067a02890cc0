package io.berth.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The one way a service keeps a secret it made itself on one machine (the JWT secret, the ticket key, the
 * broker cluster's secret): random bytes, base64url, in a file readable by its owner only, created once.
 * Several services of one machine may race to create it; the file is moved into place atomically and every
 * one of them uses whatever content won.
 */
public final class SecretFiles {

    private SecretFiles() {
    }

    /** The file's content (trimmed), after creating it with {@code randomBytes} fresh random bytes if absent. */
    public static String readOrCreate(Path file, int randomBytes) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            byte[] random = new byte[randomBytes];
            new SecureRandom().nextBytes(random);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's permissions have to do.
            }
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random),
                    StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                Files.deleteIfExists(tmp);
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}
