package dev.firebreak.runtime.chaos;

import dev.firebreak.runtime.time.Scheduler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injection for the services agents call. Wrap a service behind its interface, then turn
 * faults on and off while workflows run:
 *
 * <pre>{@code
 * Chaos chaos = Chaos.create(scheduler);
 * OcrClient ocr = chaos.wrap(OcrClient.class, realOcr);      // give this to the agent
 * chaos.on(OcrClient.class).delay(Duration.ofSeconds(30));   // every call hangs 30 s
 * chaos.on(OcrClient.class).clear();                         // recovered
 * }</pre>
 *
 * Time comes from the runtime's {@link Scheduler}: with a {@code ManualScheduler} a 5-minute outage
 * passes as fast as the test advances the clock. The wrapping uses a dynamic proxy: this is test
 * and drill tooling, not the production call path.
 */
public final class Chaos {
  private final Scheduler clock;
  private final Map<Class<?>, Faults> faults = new ConcurrentHashMap<>();

  private Chaos(Scheduler clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public static Chaos create(Scheduler clock) {
    return new Chaos(clock);
  }

  public Scheduler clock() {
    return clock;
  }

  /** The faults of {@code service}, off until set. */
  public Faults on(Class<?> service) {
    return faults.computeIfAbsent(service, s -> new Faults(s, clock));
  }

  /** Turns every fault off. */
  public void clear() {
    faults.values().forEach(Faults::clear);
  }

  /** {@code target} behind {@code service}, with that service's faults applied to every call. */
  public <T> T wrap(Class<T> service, T target) {
    if (!service.isInterface()) {
      throw new IllegalArgumentException(
          service + " is not an interface: wrap the service agents call, not the agent");
    }
    Faults f = on(service);
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(target, args);
          }
          Object[] actual = f.before(method.getName(), args == null ? new Object[0] : args);
          try {
            return method.invoke(target, actual);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return service.cast(
        Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service}, handler));
  }
}
