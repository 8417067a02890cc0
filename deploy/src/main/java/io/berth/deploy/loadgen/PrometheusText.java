package io.berth.deploy.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a service's {@code /metrics}: the Prometheus text exposition, sample by sample. */
final class PrometheusText {

    /** One sample: its metric name, the whole series (name and labels, still escaped) and its value. */
    interface SampleHandler {
        void sample(String name, String series, double value);
    }

    private PrometheusText() {
    }

    /** The exposition of the service serving {@code port} on 127.0.0.1. */
    static String scrape(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
            throw new IOException("GET /metrics on port " + port + " answered " + metrics.statusCode());
        }
        return metrics.body();
    }

    static void forEachSample(String exposition, SampleHandler handler) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int valueAt = line.lastIndexOf(' ');
            String series = line.substring(0, valueAt);
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            handler.sample(name, series, Double.parseDouble(line.substring(valueAt + 1)));
        }
    }

    /** The (still escaped) value of one label of a series, null if it has none; values may hold commas. */
    static String label(String series, String name) {
        int at = series.indexOf('{');
        while (at >= 0) {
            int equals = series.indexOf("=\"", at);
            if (equals < 0) {
                return null;
            }
            int end = equals + 2;
            while (series.charAt(end) != '"') {
                end += series.charAt(end) == '\\' ? 2 : 1;
            }
            if (series.substring(at + 1, equals).equals(name)) {
                return series.substring(equals + 2, end);
            }
            at = series.indexOf(',', end);
        }
        return null;
    }
}
