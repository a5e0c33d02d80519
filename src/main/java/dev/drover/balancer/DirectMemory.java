package dev.drover.balancer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer now rather than when the collector finds it: a pooled buffer has long been tenured, and a
 * JVM with a small heap may not run a full collection for hours, holding the memory all that time. Uses
 * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, as Netty and XNIO do); where it is missing,
 * the buffer is left to the collector.
 */
final class DirectMemory {
  private static final MethodHandle INVOKE_CLEANER = find();

  private DirectMemory() {
  }

  /** Frees {@code buffer}, which must not be used again, nor any view of it. */
  static void free(ByteBuffer buffer) {
    if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact(buffer);
    } catch (Throwable e) {
      // a view or an already freed buffer: the collector's then
    }
  }

  private static MethodHandle find() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      var field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
