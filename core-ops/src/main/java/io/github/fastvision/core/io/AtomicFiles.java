package io.github.fastvision.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one way fastvision writes a file: into a temporary file beside the target, then an atomic
 * rename over it. A reader therefore sees the old file or the new one, never a partial one, and the
 * temporary file is removed on every failure, including a failed rename. The result gets the usual
 * {@code rw-r--r--} permissions rather than the {@code rw-------} of a temporary file.
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

    private AtomicFiles() {}

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

    /** NIO exceptions often carry only a path as their message; say what kind of failure it was. */
    private static String describe(IOException e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null ? kind : kind + " (" + message + ")";
    }
}
