/**
 * The CUDA driver API ({@code libcuda.so.1}) through the FFM API: no JNI, no CUDA toolkit at run time.
 *
 * <pre>{@code
 * CudaProbe probe = CudaDriver.probe();              // never throws: the devices, or why there are none
 * CudaDriver driver = CudaDriver.load();             // CudaUnavailableException with that reason
 * try (CudaContext ctx = driver.createContext(0)) {  // the GPU's primary context, current on this thread
 *     CudaModule m = ctx.loadModule(PtxModules.ptxFor(ctx.device()));
 *     CudaFunction add = m.function(CudaKernels.ADD_F32);
 *     DeviceBuffer x = ctx.alloc(4L * n), y = ctx.alloc(4L * n);
 *     CudaStream s = ctx.createStream();
 *     s.launch(add, Dim3.of(Dim3.blocks(n, 256)), Dim3.of(256), 0, x, y, n);
 *     s.synchronize();
 * }                                                  // frees everything the context made
 * }</pre>
 *
 * <p>Every driver call's {@code CUresult} is checked ({@link dev.chrysalis.inference.gpu.cuda.CudaException}
 * names the exported symbol and the driver's error); misuse the driver would turn into a device fault
 * (wrong argument kind or count for a kernel, a range outside a buffer, a freed buffer) is a Java exception
 * first. Launches are checked against the parameter types the PTX declares. The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} (set by the surefire argLine and the {@code chrysalis} launcher).
 */
package dev.chrysalis.inference.gpu.cuda;
