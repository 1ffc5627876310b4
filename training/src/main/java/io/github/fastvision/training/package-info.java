/**
 * Training and fine-tuning of fastvision models: datasets ({@code data}), the papers' recipes as
 * data ({@code recipe}), optimizers, EMA and clipping ({@code optim}), atomic resumable checkpoints
 * ({@code checkpoint}), progress and metrics files ({@code progress}), reusable metrics ({@code
 * metrics}), the tasks a model is trained on (classification, dense prediction: {@code task}) and
 * the one {@link io.github.fastvision.training.loop.TrainingLoop} loop. Experiments that reproduce
 * papers live in the examples module, not here.
 */
package io.github.fastvision.training;
