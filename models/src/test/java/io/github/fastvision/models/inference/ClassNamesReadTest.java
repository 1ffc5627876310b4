package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.runtime.ClassNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels files: UTF-8 only, a byte-order mark dropped, every refusal naming the file and line. */
class ClassNamesReadTest {

    @TempDir Path dir;

    private String refusal(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> ClassNames.read(file))
                .getMessage();
    }

    @Test
    void utf8WithAByteOrderMarkAndCrLfReadsCleanNames() throws IOException {
        Path file = dir.resolve("labels.txt");
        Files.write(
                file,
                ("\uFEFFcaf\u00e9 cr\u00e8me\r\n  \u732b \r\ndog\r\n\r\n\n")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(
                List.of("caf\u00e9 cr\u00e8me", "\u732b", "dog"), ClassNames.read(file).asList());
    }

    @Test
    void latin1AndBinaryFilesAreRefusedNamingTheFile() throws IOException {
        Path latin1 =
                Files.write(
                        dir.resolve("latin1.txt"),
                        "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        String m = refusal(latin1);
        assertTrue(m.contains("labels file " + latin1 + " is not UTF-8 text"), m);
        Path binary =
                Files.write(
                        dir.resolve("model.bin"),
                        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff});
        assertTrue(refusal(binary).contains(binary + " is not UTF-8 text"), refusal(binary));
        // Valid UTF-8 that still is not text: a NUL names its line.
        Path nul =
                Files.write(
                        dir.resolve("nul.txt"), "a\nb\u0000c\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(
                refusal(nul).contains("line 2 holds the control character U+0000"), refusal(nul));
    }

    @Test
    void blankNamesAndControlCharactersAreRefusedNamingTheLine() throws IOException {
        Path blank = Files.writeString(dir.resolve("blank.txt"), "cat\n\ndog\n");
        assertTrue(refusal(blank).contains(blank + ": line 2 is blank"), refusal(blank));
        Path escape = Files.writeString(dir.resolve("esc.txt"), "cat\ndog\u001b[31m\n");
        assertTrue(
                refusal(escape).contains("line 2 holds the control character U+001B"),
                refusal(escape));
        Path tab = Files.writeString(dir.resolve("tab.txt"), "a\tb\n");
        assertTrue(
                refusal(tab).contains("line 1 holds the control character U+0009"), refusal(tab));
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n\n");
        assertTrue(refusal(empty).contains("holds no names"), refusal(empty));
    }

    @Test
    void aDirectoryOrMissingFileIsReportedAsSuch() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("labels"));
        assertTrue(refusal(sub).contains("labels file " + sub + " is a directory"), refusal(sub));
        assertTrue(refusal(dir.resolve("none.txt")).contains("does not exist"));
        Path dangling = Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("gone"));
        assertTrue(refusal(dangling).contains("dangling symbolic link"), refusal(dangling));
    }
}
