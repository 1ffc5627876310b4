package io.github.fastvision.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one way fastvision writes a file: into a temporary file beside the target, then an atomic
 * rename over it. A reader therefore sees the old file or the new one, never a partial one, and the
 * temporary file is removed on every failure, including a failed rename. The result gets the usual
 * {@code rw-r--r--} permissions rather than the {@code rw-------} of a temporary file.
 *
 * <p>A process killed with SIGKILL cannot remove its temporary file; it is named {@code
 * .<name>.<digits>.tmp<ext>} so that the next write of the same target, or a writer that owns the
 * directory ({@link #removeStaleTemporaries}), recognizes and removes it.
 */
public final class AtomicFiles {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Writer {

        /**
         * Writes the content.
         *
         * @param out the temporary file's stream; closed by the caller
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /** Writes the content of a file to a path (for libraries that take a file name). */
    @FunctionalInterface
    public interface PathWriter {

        /**
         * Writes the content.
         *
         * @param tmp the temporary file to fill
         * @throws IOException if writing fails
         */
        void write(Path tmp) throws IOException;
    }

    private static final Set<PosixFilePermission> USUAL =
            PosixFilePermissions.fromString("rw-r--r--");

    /** When this process started; only temporaries older than it can belong to a dead writer. */
    private static final Instant PROCESS_START =
            ProcessHandle.current().info().startInstant().orElse(Instant.now());

    private AtomicFiles() {}

    /**
     * Deletes a directory and everything under it, without following links (a link is removed, not
     * what it points to).
     *
     * @param dir the directory; nothing happens when it does not exist
     * @throws IOException when an entry cannot be removed
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Removes the temporary files an interrupted (killed) earlier write of these targets left in a
     * directory: only names of the form {@code .<name>.<digits>.tmp<ext>} for the given target
     * names, and only files last modified before this process started, so a write in progress in
     * this process is never touched. Other files are never removed.
     *
     * @param dir the directory; nothing happens when it does not exist
     * @param targetNames the file names the caller writes there (e.g. {@code checkpoint.fvc})
     * @return how many files were removed
     * @throws IOException naming the directory when it cannot be listed or a file removed
     */
    public static int removeStaleTemporaries(Path dir, String... targetNames) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp*")) {
            for (Path p : entries) {
                String fileName = p.getFileName().toString();
                for (String target : targetNames) {
                    if (temporaryPattern(target).matcher(fileName).matches()
                            && Files.isRegularFile(p)
                            && Files.getLastModifiedTime(p).toInstant().isBefore(PROCESS_START)) {
                        Files.deleteIfExists(p);
                        removed++;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot clean temporary files in " + dir + ": " + describe(e), e);
        }
        return removed;
    }

    /**
     * Checks up front that files can be created in a directory, creating it if needed, so a long
     * job fails before it starts rather than at its first save.
     *
     * @param dir the output directory
     * @throws IOException naming the directory and the reason (e.g. permission denied)
     */
    public static void checkWritableDirectory(Path dir) throws IOException {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException("cannot write to " + target + ": it is a file, not a directory");
        }
        Path probe;
        try {
            Files.createDirectories(target);
            probe = Files.createTempFile(target, ".write-probe.", ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write to " + target + ": " + describe(e), e);
        }
        Files.deleteIfExists(probe);
    }

    private static Pattern temporaryPattern(String targetName) {
        int dot = targetName.lastIndexOf('.');
        String ext = dot > 0 ? targetName.substring(dot) : "";
        return Pattern.compile(
                Pattern.quote("." + targetName + ".") + "[0-9]+" + Pattern.quote(".tmp" + ext));
    }

    /**
     * Writes a file atomically from a stream writer.
     *
     * @param file the target; its directory must exist
     * @param writer fills the temporary file
     * @throws IOException naming the target when writing or the rename fails
     */
    public static void write(Path file, Writer writer) throws IOException {
        writePath(
                file,
                tmp -> {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        writer.write(out);
                    }
                });
    }

    /**
     * Writes a text file atomically (UTF-8).
     *
     * @param file the target
     * @param text the content
     * @throws IOException naming the target when writing or the rename fails
     */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes a file atomically through a writer that takes the temporary file's path. The temporary
     * name ends in {@code .tmp} followed by the target's extension, so writers that pick a format
     * from the name see the right one.
     *
     * @param file the target; its directory must exist
     * @param writer fills the temporary file
     * @throws IOException naming the target when writing or the rename fails
     */
    public static void writePath(Path file, PathWriter writer) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(
                    target.toString(), null, "is a directory; expected a file path to write");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(
                    "cannot write " + target + ": directory " + dir + " does not exist");
        }
        String name = target.getFileName().toString();
        removeStaleTemporaries(dir, name);
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + name + ".", ".tmp" + ext);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        }
        boolean moved = false;
        try {
            writer.write(tmp);
            setUsualPermissions(tmp);
            try {
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void setUsualPermissions(Path tmp) throws IOException {
        if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(tmp, USUAL);
        }
    }

    /**
     * The reason of a failure in words. NIO exceptions often carry only a path as their message (an
     * {@link AccessDeniedException} says just the temporary file's name), so the reason is derived
     * from the exception's type and the file system's reason string.
     *
     * @param e the failure
     * @return e.g. "permission denied", "No space left on device"
     */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
