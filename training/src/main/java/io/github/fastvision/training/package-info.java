/**
 * Training recipes, datasets (Fashion-MNIST, image folders), losses, callbacks and atomic
 * checkpoints. The recipes arrive with the training issue; this module already builds against
 * models so that the command line's dependency graph is stable.
 */
package io.github.fastvision.training;
