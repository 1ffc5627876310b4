package io.github.fastvision.spark;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster of separate JVMs on 127.0.0.1: one Master and some Workers started
 * from this JVM's class path, as Spark's own tests start theirs. A Worker builds each executor's
 * command line from {@code SPARK_HOME} (whose {@code jars/} links this class path's jars) and the
 * application's {@code spark.executor.extraClassPath} (its class directories).
 */
final class StandaloneCluster implements AutoCloseable {

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final int port;
    private final List<String> jars = new ArrayList<>();
    private final List<String> directories = new ArrayList<>();

    private StandaloneCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The test's class path: surefire's when forked (its own is a manifest-only jar). */
    static String classPath() {
        return System.getProperty(
                "surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * Starts a Master and {@code workers} Workers of one core each and waits for the Master's port.
     *
     * @param dir a working directory (logs, SPARK_HOME, the workers' directories)
     * @param workers how many workers
     * @param workerMemory each worker's memory, such as {@code 2g}
     * @param jvmOptions options for the Master's and Workers' JVMs (module openings)
     * @return the running cluster; close it to stop every process
     */
    static StandaloneCluster start(
            Path dir, int workers, String workerMemory, List<String> jvmOptions)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StandaloneCluster c = new StandaloneCluster(dir, port);
        try {
            Path home = dir.resolve("spark-home");
            Path jarsDir = home.resolve("jars");
            Files.createDirectories(jarsDir);
            for (String entry : classPath().split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path p = Path.of(entry).toAbsolutePath();
                if (Files.isDirectory(p)) {
                    c.directories.add(p.toString());
                } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                    Path link = jarsDir.resolve(c.jars.size() + "-" + p.getFileName());
                    Files.createSymbolicLink(link, p);
                    c.jars.add(p.toString());
                }
            }
            c.processes.add(
                    c.launch(
                            "master",
                            jvmOptions,
                            home,
                            List.of(
                                    "org.apache.spark.deploy.master.Master",
                                    "--host",
                                    "127.0.0.1",
                                    "--port",
                                    Integer.toString(port),
                                    "--webui-port",
                                    "0")));
            c.awaitPort(port, 60);
            for (int w = 0; w < workers; w++) {
                Path work = dir.resolve("worker-" + w);
                Files.createDirectories(work);
                Process worker =
                        c.launch(
                                "worker-" + w,
                                jvmOptions,
                                home,
                                List.of(
                                        "org.apache.spark.deploy.worker.Worker",
                                        "--host",
                                        "127.0.0.1",
                                        "--cores",
                                        "1",
                                        "--memory",
                                        workerMemory,
                                        "--webui-port",
                                        "0",
                                        "--work-dir",
                                        work.toString(),
                                        c.masterUrl()));
                c.processes.add(worker);
                c.workers.add(worker);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Process launch(String name, List<String> jvmOptions, Path home, List<String> main)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.addAll(main);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_DIST_CLASSPATH");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private void awaitPort(int p, int seconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (Process proc : processes) {
                if (!proc.isAlive()) {
                    throw new IOException("a cluster process exited early; see the logs in " + dir);
                }
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the Master did not open port " + p + " in " + seconds + " s");
    }

    /** The Master's URL. */
    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** The class directories executors need besides {@code SPARK_HOME/jars}. */
    String executorClassPath() {
        return String.join(File.pathSeparator, directories);
    }

    /** The executor JVMs the Workers run now. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process w : workers) {
            w.toHandle()
                    .descendants()
                    .filter(
                            h ->
                                    h.info()
                                            .commandLine()
                                            .orElse("")
                                            .contains("CoarseGrainedExecutorBackend"))
                    .forEach(out::add);
        }
        return out;
    }

    /** The executor JVM of a Spark executor id. */
    Optional<ProcessHandle> executor(String id) {
        return executors().stream()
                .filter(
                        h ->
                                h.info()
                                        .commandLine()
                                        .orElse("")
                                        .matches(".*--executor-id " + id + "( .*|$)"))
                .findFirst();
    }

    /** Stops every process: executors first, then Workers, then the Master. */
    @Override
    public void close() {
        for (ProcessHandle e : executors()) {
            e.destroyForcibly();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
