package dev.firebreak.runtime.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis for a test: on 127.0.0.1 only, on a free port, without persistence (or with an
 * append-only file, to be restarted), with one client; both closed by {@link #close}.
 */
public final class LocalRedis implements AutoCloseable {
  private final RedisServer server;
  private final RedisClient client;
  private final int port;

  private LocalRedis(RedisServer server, RedisClient client, int port) {
    this.server = server;
    this.client = client;
    this.port = port;
  }

  public static LocalRedis start() throws IOException {
    return start(List.of("appendonly no"));
  }

  /**
   * A Redis that keeps its data across {@link #stopServer}/{@link #startServer}: an append-only
   * file in {@code dir}, synced at every write.
   */
  public static LocalRedis appendOnly(Path dir) throws IOException {
    return start(List.of("dir " + dir, "appendonly yes", "appendfsync always"));
  }

  private static LocalRedis start(List<String> settings) throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RedisServerBuilder builder = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1");
    settings.forEach(builder::setting);
    RedisServer server = builder.build();
    server.start();
    return new LocalRedis(server, RedisClient.create("127.0.0.1", port), port);
  }

  /** Stops the server (a restart: the client stays, and meets the outage). */
  public void stopServer() throws IOException {
    server.stop();
  }

  /** Starts the server again after {@link #stopServer}, on the same port. */
  public void startServer() throws IOException {
    server.start();
  }

  public RedisClient client() {
    return client;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.stop();
  }
}
