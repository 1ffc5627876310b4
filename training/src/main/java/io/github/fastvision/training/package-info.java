/**
 * Training and fine-tuning of fastvision models: datasets ({@code data}), the papers' recipes as
 * data ({@code recipe}), optimizers, EMA and clipping ({@code optim}), atomic resumable
 * checkpoints ({@code checkpoint}), progress and metrics files ({@code progress}), the
 * {@link io.github.fastvision.training.Trainer} loop and the papers' small-scale studies
 * ({@code study}).
 */
package io.github.fastvision.training;
