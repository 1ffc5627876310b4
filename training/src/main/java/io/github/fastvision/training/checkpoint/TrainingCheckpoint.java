package io.github.fastvision.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.ParameterNames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A resumable training checkpoint in one file: a JSON description of the run (model, recipe, epochs
 * done, step count, metrics so far), then every model parameter and buffer by name, the optimizer's
 * state and the weight EMA. It is written to a temporary file and renamed over the previous one, so
 * a crash mid-write leaves the last complete checkpoint. Loading decodes and checks the whole file
 * before anything in the live model changes. It is the one checkpoint format of the project: any
 * model kind saves through it (the meta JSON is the caller's).
 */
public final class TrainingCheckpoint {

    /** File name inside a run directory. */
    public static final String FILE_NAME = "checkpoint.fvc";

    private static final int MAGIC = 0x46564331; // "FVC1"

    private TrainingCheckpoint() {}

    /**
     * Everything a checkpoint restores.
     *
     * @param meta the run description (JSON)
     * @param model the model's parameters and buffers
     * @param optimizer the optimizer state arrays
     * @param ema the EMA arrays (empty without EMA)
     */
    public record State(String meta, Block model, List<NDArray> optimizer, List<NDArray> ema) {}

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the destination
     * @param state what to save
     * @throws IOException if writing fails (the previous file is then untouched)
     */
    public static void save(Path file, State state) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream os =
                            new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
                    os.writeInt(MAGIC);
                    byte[] meta = state.meta().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    os.writeInt(meta.length);
                    os.write(meta);
                    List<ParameterNames.Named> params = ParameterNames.of(state.model());
                    os.writeInt(params.size());
                    for (ParameterNames.Named p : params) {
                        os.writeUTF(p.name());
                        writeArray(os, p.parameter().getArray());
                    }
                    writeArrays(os, state.optimizer());
                    writeArrays(os, state.ema());
                    os.flush();
                });
    }

    /**
     * Reads only the JSON description.
     *
     * @param file the checkpoint
     * @return the meta JSON
     * @throws IOException if the file cannot be read
     */
    public static String readMeta(Path file) throws IOException {
        try (DataInputStream is = open(file)) {
            return meta(is, file);
        }
    }

    /**
     * Restores a checkpoint into live arrays. The file is decoded completely and every name and
     * shape is checked first; only then are the model, optimizer and EMA overwritten.
     *
     * @param file the checkpoint
     * @param target the live model, optimizer state and EMA state to overwrite
     * @param scratch a manager for the decoded arrays
     * @return the meta JSON
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not a checkpoint, is truncated or corrupt, or
     *     does not fit the target
     */
    public static String restore(Path file, State target, NDManager scratch) throws IOException {
        List<ParameterNames.Named> params = ParameterNames.of(target.model());
        List<NDArray> decodedParams = new ArrayList<>();
        List<NDArray> decodedOpt;
        List<NDArray> decodedEma;
        String meta;
        try (DataInputStream is = open(file)) {
            meta = meta(is, file);
            int n = is.readInt();
            if (n != params.size()) {
                throw new IllegalArgumentException(
                        file + " holds " + n + " model arrays but the model has " + params.size());
            }
            for (ParameterNames.Named p : params) {
                String name = is.readUTF();
                if (!name.equals(p.name())) {
                    throw new IllegalArgumentException(
                            file + " holds parameter " + name + " where the model has " + p.name());
                }
                decodedParams.add(readArray(is, scratch, file));
            }
            decodedOpt = readArrays(is, scratch, file);
            decodedEma = readArrays(is, scratch, file);
            if (is.read() != -1) {
                throw new IllegalArgumentException(
                        file + " has trailing bytes: corrupt checkpoint");
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(
                    file + " is truncated: not a complete checkpoint", e);
        }
        List<NDArray> live = new ArrayList<>();
        List<NDArray> loaded = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            live.add(params.get(i).parameter().getArray());
            loaded.add(decodedParams.get(i));
            what.add(params.get(i).name());
        }
        pair(file, "optimizer", target.optimizer(), decodedOpt, live, loaded, what);
        pair(file, "EMA", target.ema(), decodedEma, live, loaded, what);
        for (int i = 0; i < live.size(); i++) {
            if (!live.get(i).getShape().equals(loaded.get(i).getShape())
                    || live.get(i).getDataType() != loaded.get(i).getDataType()) {
                throw new IllegalArgumentException(
                        file
                                + ": "
                                + what.get(i)
                                + " is "
                                + loaded.get(i).getShape()
                                + " "
                                + loaded.get(i).getDataType()
                                + " but the run has "
                                + live.get(i).getShape()
                                + " "
                                + live.get(i).getDataType());
            }
        }
        for (int i = 0; i < live.size(); i++) {
            live.get(i).set(loaded.get(i).toByteBuffer());
        }
        return meta;
    }

    private static void pair(
            Path file,
            String section,
            List<NDArray> target,
            List<NDArray> decoded,
            List<NDArray> live,
            List<NDArray> loaded,
            List<String> what) {
        if (target.size() != decoded.size()) {
            throw new IllegalArgumentException(
                    file
                            + " holds "
                            + decoded.size()
                            + " "
                            + section
                            + " arrays but the run has "
                            + target.size()
                            + " (another optimizer or EMA setting?)");
        }
        for (int i = 0; i < target.size(); i++) {
            live.add(target.get(i));
            loaded.add(decoded.get(i));
            what.add(section + " state " + i);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no checkpoint at " + file);
        }
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static String meta(DataInputStream is, Path file) throws IOException {
        int magic;
        try {
            magic = is.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(
                    file + " is empty; expected a training checkpoint (.fvc)", e);
        }
        if (magic != MAGIC) {
            throw new IllegalArgumentException(
                    file + " is not a fastvision training checkpoint (.fvc, header FVC1)");
        }
        int len = is.readInt();
        if (len < 2 || len > (1 << 24)) {
            throw new IllegalArgumentException(
                    file + " is corrupt: description of " + len + " bytes");
        }
        byte[] meta = new byte[len];
        is.readFully(meta);
        return new String(meta, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeArrays(DataOutputStream os, List<NDArray> arrays) throws IOException {
        os.writeInt(arrays.size());
        for (NDArray a : arrays) {
            writeArray(os, a);
        }
    }

    private static void writeArray(DataOutputStream os, NDArray a) throws IOException {
        byte[] bytes = a.encode();
        os.writeInt(bytes.length);
        os.write(bytes);
    }

    private static List<NDArray> readArrays(DataInputStream is, NDManager scratch, Path file)
            throws IOException {
        int n = is.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IllegalArgumentException(file + " is corrupt: " + n + " arrays in a section");
        }
        List<NDArray> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readArray(is, scratch, file));
        }
        return out;
    }

    private static NDArray readArray(DataInputStream is, NDManager scratch, Path file)
            throws IOException {
        int len = is.readInt();
        if (len < 0 || len > (1 << 30)) {
            throw new IllegalArgumentException(file + " is corrupt: array of " + len + " bytes");
        }
        byte[] bytes = new byte[len];
        is.readFully(bytes);
        try {
            return scratch.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    file + " is corrupt: an array does not decode (" + e.getMessage() + ")", e);
        }
    }
}
