package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import java.util.List;

/**
 * Rebuilds one block type's eval-mode forward pass as ONNX nodes. A converter reads the block's
 * configuration and parameters, appends nodes through the {@link ExportContext} and converts its
 * children with {@link ExportContext#convert}, so the export is a walk over the block tree.
 */
@FunctionalInterface
public interface BlockConverter {

    /**
     * Converts a block.
     *
     * @param block the block (of the type the converter is registered for)
     * @param inputs the graph values the block's forward pass receives, in order
     * @param ctx the export in progress
     * @return the graph values the block's forward pass returns, in order
     */
    List<String> convert(Block block, List<String> inputs, ExportContext ctx);
}
