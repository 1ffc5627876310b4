package io.github.fastvision.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void replacesTheFileWithUsualPermissions() throws IOException {
        Path file = dir.resolve("out.txt");
        AtomicFiles.writeString(file, "old");
        AtomicFiles.writeString(file, "new");
        assertEquals("new", Files.readString(file));
        assertEquals(
                "rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("out.txt"), names());
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.fvw");
        AtomicFiles.writeString(file, "saved");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                AtomicFiles.write(
                                        file,
                                        out -> {
                                            out.write(1);
                                            throw new IOException("disk full");
                                        }));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("saved", Files.readString(file));
        assertEquals(List.of("model.fvw"), names());
    }

    @Test
    void aDirectoryTargetIsRefusedWithoutLeftovers() throws IOException {
        Path target = Files.createDirectory(dir.resolve("existing"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertEquals(List.of("existing"), names());
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path file = dir.resolve("nope").resolve("o.npy");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(file, "x"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void temporaryNamesKeepTheExtension() throws IOException {
        Path file = dir.resolve("plot.png");
        AtomicFiles.writePath(
                file,
                tmp -> {
                    assertTrue(tmp.getFileName().toString().endsWith(".tmp.png"), tmp.toString());
                    Files.writeString(tmp, "png");
                });
        assertEquals("png", Files.readString(file));
    }

    @Test
    void jsonUsesSnakeCaseKeys() {
        record Row(String modelName, double latencyMs) {}
        String json = Json.toJson(new Row("fasternet_t0", 1.5));
        assertTrue(json.contains("\"model_name\": \"fasternet_t0\""), json);
        assertTrue(json.contains("\"latency_ms\": 1.5"), json);
        assertEquals(Map.of("a_b", 1.0), Json.fromJson("{\"a_b\": 1}", Map.class));
    }

    @Test
    void staleTemporariesOfAKilledWriterAreRemovedAndNothingElse() throws IOException {
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Path stale = Files.writeString(dir.resolve(".checkpoint.fvc.8123456789.tmp.fvc"), "x");
        Files.setLastModifiedTime(stale, old);
        Path otherTarget = Files.writeString(dir.resolve(".other.fvc.123.tmp.fvc"), "x");
        Files.setLastModifiedTime(otherTarget, old);
        Path lookalike = Files.writeString(dir.resolve(".checkpoint.fvc.abc.tmp.fvc"), "x");
        Files.setLastModifiedTime(lookalike, old);
        Path fresh = Files.writeString(dir.resolve(".checkpoint.fvc.42.tmp.fvc"), "x");
        Path user = Files.writeString(dir.resolve("notes.tmp"), "x");
        Files.setLastModifiedTime(user, old);

        assertEquals(1, AtomicFiles.removeStaleTemporaries(dir, "checkpoint.fvc"));
        assertEquals(
                List.of(
                        ".checkpoint.fvc.42.tmp.fvc",
                        ".checkpoint.fvc.abc.tmp.fvc",
                        ".other.fvc.123.tmp.fvc",
                        "notes.tmp"),
                names());
        assertTrue(Files.exists(fresh) && Files.exists(lookalike) && Files.exists(otherTarget));
    }

    @Test
    void writingATargetRemovesItsStaleTemporary() throws IOException {
        Path stale = Files.writeString(dir.resolve(".m.fvw.77.tmp.fvw"), "partial");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        AtomicFiles.writeString(dir.resolve("m.fvw"), "w");
        assertEquals(List.of("m.fvw"), names());
    }

    @Test
    void diskFullNamesTheFileAndTheReason() {
        Path file = dir.resolve("o.npy");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                AtomicFiles.write(
                                        file,
                                        out -> {
                                            throw new IOException("No space left on device");
                                        }));
        assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
    }

    @Test
    void anUnwritableDirectoryIsReportedUpFrontWithTheReason() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> AtomicFiles.checkWritableDirectory(notADir.resolve("run")));
        assertTrue(
                e.getMessage().startsWith("cannot write to " + notADir.resolve("run")),
                e.getMessage());
        assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
        AtomicFiles.checkWritableDirectory(dir.resolve("new"));
        assertEquals(List.of("new", "plain"), names());
        try (Stream<Path> s = Files.list(dir.resolve("new"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void accessDeniedIsSaidInWords() {
        assertEquals(
                "permission denied",
                AtomicFiles.describe(
                        new java.nio.file.AccessDeniedException("/x/.o.npy.1.tmp.npy")));
    }
}
