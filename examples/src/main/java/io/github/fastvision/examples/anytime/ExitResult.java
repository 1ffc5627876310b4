package io.github.fastvision.examples.anytime;

/**
 * One exit's numbers.
 *
 * @param miou mean IoU in percent on the test mosaics
 * @param gflops multiply-adds per image up to and including this exit, masks applied (G)
 * @param wallMs wall time per image up to and including this exit (ms)
 * @param computedPercent share of exit-resolution positions still computed for this exit
 */
public record ExitResult(double miou, double gflops, double wallMs, double computedPercent) {}
