package dev.firebreak.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers the orchestrators the Firebreak processor generated for the application's own workflows
 * as beans: those in its auto-configuration packages (the package of its {@code
 * SpringBootApplication} and below), as Spring Data finds repositories. They are found through the
 * index the processor writes ({@code META-INF/firebreak/orchestrators/<class>}), so no class is
 * scanned. Each orchestrator implements its workflow interface, so a bean injecting the interface
 * gets it; its {@code @Inject} constructor takes the agents (any beans) and the {@link
 * dev.firebreak.runtime.FirebreakRuntime}. An orchestrator elsewhere (a library's) is registered by
 * the application, with {@code @Import}; one it registered itself is left alone.
 */
class OrchestratorRegistrar
    implements ImportBeanDefinitionRegistrar, BeanClassLoaderAware, BeanFactoryAware {
  static final String INDEX = "classpath*:META-INF/firebreak/orchestrators/*";

  private ClassLoader classLoader = ClassUtils.getDefaultClassLoader();
  private BeanFactory beanFactory;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public void registerBeanDefinitions(
      AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    if (beanFactory == null || !AutoConfigurationPackages.has(beanFactory)) {
      return;
    }
    List<String> packages = AutoConfigurationPackages.get(beanFactory);
    Resource[] entries;
    try {
      entries = new PathMatchingResourcePatternResolver(classLoader).getResources(INDEX);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the index of Firebreak orchestrators", e);
    }
    for (Resource entry : entries) {
      String name = entry.getFilename();
      if (name == null
          || name.isEmpty()
          || !inPackages(name, packages)
          || registry.containsBeanDefinition(name)) {
        continue;
      }
      Class<?> orchestrator;
      try {
        orchestrator = ClassUtils.forName(name, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException(
            "Firebreak orchestrator "
                + name
                + " is listed in "
                + entry
                + " but cannot be loaded: rebuild the module that declares its workflow",
            e);
      }
      if (alreadyRegistered(registry, orchestrator)) {
        continue;
      }
      RootBeanDefinition definition = new RootBeanDefinition(orchestrator);
      definition.setAutowireMode(AutowireCapableBeanFactory.AUTOWIRE_CONSTRUCTOR);
      registry.registerBeanDefinition(name, definition);
    }
  }

  private static boolean inPackages(String className, List<String> packages) {
    for (String p : packages) {
      if (className.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean alreadyRegistered(BeanDefinitionRegistry registry, Class<?> type) {
    for (String bean : registry.getBeanDefinitionNames()) {
      String className = registry.getBeanDefinition(bean).getBeanClassName();
      if (type.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }
}
