package io.github.fastvision.spark;

import java.io.Serializable;

/**
 * The executor JVM's resident memory when a partition finished, to show it does not grow from one
 * partition to the next.
 *
 * @param executor the Spark executor id
 * @param partition the partition index
 * @param rows rows the partition produced
 * @param residentBytes VmRSS of the executor JVM after the partition ({@code /proc/self/status}),
 *     or -1 where the system has no such file
 * @param finishedNanos {@link System#nanoTime()} at the end, to order partitions of one executor
 */
public record PartitionMemory(
        String executor, int partition, long rows, long residentBytes, long finishedNanos)
        implements Serializable {}
