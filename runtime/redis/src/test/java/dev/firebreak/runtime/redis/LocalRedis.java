package dev.firebreak.runtime.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * A real Redis for a test class: on 127.0.0.1 only, on a free port, without persistence, with one
 * client; both closed by {@link #close}.
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
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    server.start();
    return new LocalRedis(server, RedisClient.create("127.0.0.1", port), port);
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
