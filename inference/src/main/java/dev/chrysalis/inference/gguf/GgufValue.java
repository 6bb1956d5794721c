package dev.chrysalis.inference.gguf;

import java.util.List;

/** One metadata value as read from a GGUF file. Arrays keep primitive storage (vocabularies are large). */
public sealed interface GgufValue {

    GgufValueType type();

    /** Any integer type; {@code value} holds the number (UINT64 above Long.MAX_VALUE wraps as in Java). */
    record IntValue(GgufValueType type, long value) implements GgufValue {}

    record FloatValue(GgufValueType type, double value) implements GgufValue {}

    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }
    }

    record StringValue(String value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }
    }

    /** An array; exactly one representation is used depending on {@link #elementType()}. */
    sealed interface ArrayValue extends GgufValue {
        GgufValueType elementType();

        int size();

        @Override
        default GgufValueType type() {
            return GgufValueType.ARRAY;
        }
    }

    record IntArray(GgufValueType elementType, long[] values) implements ArrayValue {
        @Override
        public int size() {
            return values.length;
        }
    }

    record FloatArray(GgufValueType elementType, double[] values) implements ArrayValue {
        @Override
        public int size() {
            return values.length;
        }
    }

    record BoolArray(boolean[] values) implements ArrayValue {
        @Override
        public GgufValueType elementType() {
            return GgufValueType.BOOL;
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    record StringArray(List<String> values) implements ArrayValue {
        @Override
        public GgufValueType elementType() {
            return GgufValueType.STRING;
        }

        @Override
        public int size() {
            return values.size();
        }
    }

    /** An array of arrays (GGUF allows nesting). */
    record NestedArray(List<ArrayValue> values) implements ArrayValue {
        @Override
        public GgufValueType elementType() {
            return GgufValueType.ARRAY;
        }

        @Override
        public int size() {
            return values.size();
        }
    }
}
