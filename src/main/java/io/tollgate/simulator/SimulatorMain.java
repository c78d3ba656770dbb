package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as its own process, for benchmarks and kill tests, until the process is killed. Steer it over
 * {@code /_sim/}.
 */
public final class SimulatorMain {

    private static final String USAGE = """
            usage: SimulatorMain [--host H] [--port N] [--latency-ms N] [--ttft-ms N] [--chunk-delay-ms N]
                                 [--reply-tokens N] [--key K]... [--rate-limits] [--usage-mode INCLUDE_USAGE|ON_FINAL_CHUNK|NONE]
                                 [--no-data-space] [--no-mcp-servers] [--reject-float-encoding] [--max-records N]
            """;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        HerokuSimulator simulator = HerokuSimulator.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-shutdown"));
        System.out.println("simulator listening on " + simulator.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** The options the command line describes; throws {@link IllegalArgumentException} on a bad argument. */
    public static SimulatorOptions parse(String... args) {
        SimulatorOptions.Builder builder = SimulatorOptions.builder();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--host" -> builder.host(value(args, ++i, flag));
                case "--port" -> builder.port((int) number(args, ++i, flag));
                case "--latency-ms" -> builder.latencyMs(number(args, ++i, flag));
                case "--ttft-ms" -> builder.ttftMs(number(args, ++i, flag));
                case "--chunk-delay-ms" -> builder.chunkDelayMs(number(args, ++i, flag));
                case "--reply-tokens" -> builder.replyTokens((int) number(args, ++i, flag));
                case "--max-records" -> builder.maxRecords((int) number(args, ++i, flag));
                case "--key" -> keys.add(value(args, ++i, flag));
                case "--rate-limits" -> builder.rateLimits(true);
                case "--usage-mode" -> builder
                        .usageMode(UsageMode.valueOf(value(args, ++i, flag).toUpperCase(Locale.ROOT)));
                case "--no-data-space" -> builder.dataSpace(false);
                case "--no-mcp-servers" -> builder.mcpServers(false);
                case "--reject-float-encoding" -> builder.rejectFloatEncoding(true);
                default -> throw new IllegalArgumentException("unknown argument " + flag);
            }
        }
        if (!keys.isEmpty()) {
            builder.keys(keys.toArray(String[]::new));
        }
        return builder.build();
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    private static long number(String[] args, int index, String flag) {
        String value = value(args, index, flag);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got " + value);
        }
    }
}
