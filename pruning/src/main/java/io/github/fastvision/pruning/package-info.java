/**
 * Network pruning after thesis chapter 3 (Liu et al., "Rethinking the Value of Network Pruning",
 * §3.3–3.8): the methods ({@code methods}), the surgery that rebuilds a pruned model at its new
 * widths ({@code surgery}) and the training budgets of §3.4.3 ({@code budget}). A model is prunable
 * when its family describes its width table ({@link
 * io.github.fastvision.models.ModelFamily#channelGroups}).
 */
package io.github.fastvision.pruning;
