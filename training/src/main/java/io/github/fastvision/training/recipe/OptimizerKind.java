package io.github.fastvision.training.recipe;

/** The optimizers the papers train with. */
public enum OptimizerKind {
    /** SGD with momentum 0.9 and PyTorch's coupled weight decay. */
    SGD,
    /** SGD with Nesterov momentum 0.9 (pflayer §4.1). */
    SGD_NESTEROV,
    /** AdamW (Loshchilov and Hutter 2019), decoupled weight decay, β = (0.9, 0.999). */
    ADAMW
}
