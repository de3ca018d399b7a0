/**
 * Types that generated orchestrators are written against. They are public so that generated code in
 * users' packages can reach them; they are not meant to be called by hand, and may change between
 * releases together with the processor.
 */
package dev.firebreak.runtime.generated;
