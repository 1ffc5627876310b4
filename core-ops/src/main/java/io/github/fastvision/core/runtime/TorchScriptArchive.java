package io.github.fastvision.core.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive for a module without parameters, so that Java code can call ATen
 * operators DJL 0.35 does not expose (e.g. {@code torch.contiguous(x, memory_format=2)}) through
 * {@code IValueUtils.runMethod}. The archive is the zip libtorch's {@code torch::jit::load} reads:
 * {@code data.pkl} (the pickled module object: its class and a {@code training} flag), {@code
 * code/__torch__.py} (the TorchScript source of the class), {@code constants.pkl} (an empty tuple)
 * and {@code version}. Entries are stored, not deflated, as {@code torch.jit.save} writes them.
 */
final class TorchScriptArchive {

    /** The serialization format version libtorch 2.x reads for such archives. */
    private static final String VERSION = "3\n";

    private TorchScriptArchive() {}

    /**
     * Returns the bytes of an archive holding one parameterless module.
     *
     * @param className the class name inside {@code __torch__} (a Python identifier)
     * @param methods TorchScript source of the class body's methods, indented by four spaces
     * @return the zip archive
     */
    static byte[] module(String className, String methods) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "className must be a Python identifier but was '" + className + "'");
        }
        String code =
                "class "
                        + className
                        + "(Module):\n"
                        + "  __parameters__ = []\n"
                        + "  __buffers__ = []\n"
                        + "  training : bool\n"
                        + methods;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = className.toLowerCase(java.util.Locale.ROOT) + "/";
            stored(zip, root + "data.pkl", moduleObject(className));
            stored(zip, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, root + "version", VERSION.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an in-memory zip", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickles (protocol 2) an instance of {@code __torch__.<className>} whose state is {@code
     * {"training": False}}.
     */
    private static byte[] moduleObject(String className) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80); // PROTO
        out.write(2);
        out.write('c'); // GLOBAL module\nname\n
        out.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.UTF_8));
        out.write(')'); // EMPTY_TUPLE: no constructor arguments
        out.write(0x81); // NEWOBJ
        out.write('}'); // EMPTY_DICT: the state
        out.write('('); // MARK
        binUnicode(out, "training");
        out.write(0x89); // NEWFALSE
        out.write('u'); // SETITEMS
        out.write('b'); // BUILD
        out.write('.'); // STOP
        return out.toByteArray();
    }

    private static void binUnicode(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.write(b.length);
        out.write(b.length >>> 8);
        out.write(b.length >>> 16);
        out.write(b.length >>> 24);
        out.writeBytes(b);
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        ((OutputStream) zip).write(data);
        zip.closeEntry();
    }
}
