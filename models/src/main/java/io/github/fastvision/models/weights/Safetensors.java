package io.github.fastvision.models.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the safetensors format: u64 header length, JSON header, raw little-endian data. */
final class Safetensors {

    private Safetensors() {}

    static Map<String, TensorData> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IllegalArgumentException(file + " is truncated: no safetensors header");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = map.getLong(0);
            if (headerLen <= 0 || 8 + headerLen > size) {
                throw new IllegalArgumentException(
                        file
                                + " is truncated or not safetensors: header of "
                                + headerLen
                                + " bytes in a "
                                + size
                                + "-byte file");
            }
            byte[] header = new byte[(int) headerLen];
            map.get(8, header);
            JsonObject json;
            try {
                json =
                        JsonParser.parseString(new String(header, StandardCharsets.UTF_8))
                                .getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " has a malformed safetensors header", e);
            }
            long dataStart = 8 + headerLen;
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                if ("__metadata__".equals(e.getKey())) {
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                DType dtype = DType.fromSafetensors(t.get("dtype").getAsString());
                JsonArray dims = t.getAsJsonArray("shape");
                long[] shape = new long[dims.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                }
                JsonArray offsets = t.getAsJsonArray("data_offsets");
                long begin = dataStart + offsets.get(0).getAsLong();
                long end = dataStart + offsets.get(1).getAsLong();
                if (end > size || begin > end) {
                    throw new IllegalArgumentException(
                            file
                                    + " is truncated: tensor "
                                    + e.getKey()
                                    + " ends at byte "
                                    + end
                                    + " of "
                                    + size);
                }
                ByteBuffer slice = map.slice((int) begin, (int) (end - begin));
                out.put(e.getKey(), new TensorData(dtype, shape, slice));
            }
            return out;
        }
    }
}
