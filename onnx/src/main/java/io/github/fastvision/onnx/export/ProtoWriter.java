package io.github.fastvision.onnx.export;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, as much of it as ONNX's {@code ModelProto} needs: varints, 32-bit
 * floats and length-delimited fields (strings, bytes, packed repeated values, nested messages).
 * Messages are written bottom-up: a nested message is built in its own writer and embedded with
 * {@link #message(int, ProtoWriter)}.
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /**
     * Writes an int64/int32/enum field.
     *
     * @param field the field number
     * @param value the value (negative values take ten bytes, as protobuf specifies)
     * @return this writer
     */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /**
     * Writes a float field.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /**
     * Writes a string field (UTF-8).
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a bytes field.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /**
     * Writes a packed repeated int64 field.
     *
     * @param field the field number
     * @param values the values
     * @return this writer
     */
    ProtoWriter packedInt64(int field, long[] values) {
        ProtoWriter packed = new ProtoWriter();
        for (long v : values) {
            packed.varint(v);
        }
        return bytes(field, packed.toByteArray());
    }

    /**
     * Writes a packed repeated float field.
     *
     * @param field the field number
     * @param values the values
     * @return this writer
     */
    ProtoWriter packedFloat(int field, float[] values) {
        return bytes(field, littleEndian(values));
    }

    /**
     * Embeds a nested message.
     *
     * @param field the field number
     * @param message the message's own writer
     * @return this writer
     */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /**
     * Returns the encoded bytes.
     *
     * @return the message so far
     */
    byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * Encodes floats as little-endian IEEE 754, the layout of ONNX's {@code raw_data}.
     *
     * @param values the values
     * @return 4 bytes per value
     */
    static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /**
     * Encodes int64 values as little-endian, the layout of ONNX's {@code raw_data}.
     *
     * @param values the values
     * @return 8 bytes per value
     */
    static byte[] littleEndian(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
