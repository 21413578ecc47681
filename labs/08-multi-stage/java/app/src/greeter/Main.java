package greeter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A tiny HTTP server on the JDK's own com.sun.net.httpserver: the app lab 08 packages. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", exchange -> reply(exchange, Greeting.forName(nameParam(exchange))));
        server.createContext("/healthz", exchange -> reply(exchange, "ok"));
        server.start();
        System.out.println("greeter listening on :" + port);
    }

    private static void reply(HttpExchange exchange, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The value of ?name=..., or "" when the query has none. */
    private static String nameParam(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return "";
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("name=")) {
                return URLDecoder.decode(pair.substring("name=".length()), StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
