package io.github.fastvision.examples;

import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.examples.cli.AnytimeCommand;
import io.github.fastvision.examples.cli.BenchCommand;
import io.github.fastvision.examples.cli.DemoCommand;
import io.github.fastvision.examples.cli.EmbedCommand;
import io.github.fastvision.examples.cli.EvaluateCommand;
import io.github.fastvision.examples.cli.ExportCommand;
import io.github.fastvision.examples.cli.ImportCommand;
import io.github.fastvision.examples.cli.PredictCommand;
import io.github.fastvision.examples.cli.PruneCommand;
import io.github.fastvision.examples.cli.QuantizeCommand;
import io.github.fastvision.examples.cli.RunCommand;
import io.github.fastvision.examples.cli.SparkPredictCommand;
import io.github.fastvision.examples.cli.StudyCommand;
import io.github.fastvision.examples.cli.TrainCommand;
import io.github.fastvision.examples.cli.ZooCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fastvision} command line. Every subcommand accepts {@code --json} and then prints
 * exactly one JSON document on stdout; logs go to stderr.
 */
@Command(
        name = "fastvision",
        mixinStandardHelpOptions = true,
        version = "fastvision 0.1.0 (DJL 0.35.0, PyTorch engine, libtorch 2.7.1 CPU)",
        description = "Efficient vision operators and backbones on DJL (PyTorch engine).",
        subcommands = {
            DemoCommand.class,
            ZooCommand.class,
            RunCommand.class,
            PredictCommand.class,
            EmbedCommand.class,
            SparkPredictCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            BenchCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            StudyCommand.class,
            AnytimeCommand.class,
            PruneCommand.class,
            QuantizeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FastVisionCli {

    private FastVisionCli() {}

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Offline always: nothing is downloaded at run time. Quiet logs unless asked otherwise.
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // A CPU-only machine is the normal case, not a warning.
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        // Tensor outputs are allocated per operator; keep glibc from trimming them back to the OS
        // (a process-wide setting, so the command line makes it and FASTVISION_TUNE_MALLOC=0 opts
        // out).
        if (!"0".equals(System.getenv("FASTVISION_TUNE_MALLOC"))) {
            NativeAllocator.tune();
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * Builds the picocli command line (also used by tests).
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FastVisionCli());
        cli.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    cmd.getErr()
                            .println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                    return ex instanceof IllegalArgumentException ? 2 : 1;
                });
        return cli;
    }
}
