package io.github.fastvision.core.vit;

/**
 * The standard ViT block (Dosovitskiy et al. 2021; pflayer Fig. A.1b): pre-norm multi-head
 * self-attention and MLP, each with a residual connection. pflayer's ViT/PiT variants alternate
 * it with {@code io.github.fastvision.core.pflayer.EfficientTransformerBlock}.
 */
public class TransformerBlock extends AbstractTransformerBlock {

    /**
     * Creates a block.
     *
     * @param dim embedding width
     * @param heads attention heads; must divide {@code dim}
     * @param mlpRatio MLP hidden width / dim (ViT uses 4)
     * @param dropPath drop-path rate in [0, 1)
     */
    public TransformerBlock(int dim, int heads, double mlpRatio, float dropPath) {
        super("TransformerBlock", dim, mlpRatio, dropPath, new MultiHeadSelfAttention(dim, heads));
    }
}
