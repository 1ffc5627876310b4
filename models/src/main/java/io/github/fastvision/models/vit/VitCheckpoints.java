package io.github.fastvision.models.vit;

import io.github.fastvision.models.weights.NameMapping;

/** ViT checkpoint name table: timm's, which the authors' vit_pf.py shares. */
public final class VitCheckpoints {

    private VitCheckpoints() {}

    /**
     * timm's VisionTransformer names, which PfLayer's vit_pf.py shares (its EffLayer is also
     * "attn").
     */
    static NameMapping timm() {
        return new NameMapping("ViT (timm / official vit_pf.py)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.$1")
                .rule("(pos_embed|cls_token)", "stem.$1")
                .rule("blocks\\.(\\d+)\\.(.*)", "stages_0.blocks_$1.$2")
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }
}
