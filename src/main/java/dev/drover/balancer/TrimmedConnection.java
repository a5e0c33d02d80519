package dev.drover.balancer;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientStatistics;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.SocketAddress;
import org.xnio.ChannelListener;
import org.xnio.Option;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * A backend connection as the proxy sees it for one request: everything goes to the real connection, but the
 * request leaves without the headers that tell a worker nothing. {@code X-Forwarded-Server} names this host,
 * which no application needs; {@code X-Forwarded-Port} is dropped unless a trusted proxy sent it, because the
 * client's {@code Host}, passed on unchanged, carries the port; and {@code X-Forwarded-Host} is dropped when it
 * equals that {@code Host}, as it does unless a trusted proxy in front named another host: every framework reads
 * {@code Host} when {@code X-Forwarded-Host} is absent, so the application sees the same host. Every header costs
 * the worker a parse (about 0.5 µs of worker CPU per request on the demo app).
 */
final class TrimmedConnection implements ClientConnection {
  private final ClientConnection delegate;
  private final boolean keepPort;

  /** @param keepPort true when the client's {@code X-Forwarded-Port} came from a trusted proxy and must pass */
  TrimmedConnection(ClientConnection delegate, boolean keepPort) {
    this.delegate = delegate;
    this.keepPort = keepPort;
  }

  @Override
  public void sendRequest(ClientRequest request, ClientCallback<ClientExchange> callback) {
    HeaderMap headers = request.getRequestHeaders();
    headers.remove(Headers.X_FORWARDED_SERVER);
    // the balancer answers 100-continue itself when the proxy starts reading the body (HttpContinueReadHandler);
    // asked again, Undertow's client would hold the body back until the worker's own 100
    headers.remove(Headers.EXPECT);
    if (!keepPort) {
      headers.remove(Headers.X_FORWARDED_PORT);
    }
    if (headers.count(Headers.X_FORWARDED_HOST) == 1 && headers.count(Headers.HOST) == 1
        && headers.getFirst(Headers.X_FORWARDED_HOST).equals(headers.getFirst(Headers.HOST))) {
      headers.remove(Headers.X_FORWARDED_HOST);
    }
    delegate.sendRequest(request, callback);
  }

  @Override
  public StreamConnection performUpgrade() throws IOException {
    return delegate.performUpgrade();
  }

  @Override
  public ByteBufferPool getBufferPool() {
    return delegate.getBufferPool();
  }

  @Override
  public SocketAddress getPeerAddress() {
    return delegate.getPeerAddress();
  }

  @Override
  public <A extends SocketAddress> A getPeerAddress(Class<A> type) {
    return delegate.getPeerAddress(type);
  }

  @Override
  public ChannelListener.Setter<? extends ClientConnection> getCloseSetter() {
    return delegate.getCloseSetter();
  }

  @Override
  public SocketAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public <A extends SocketAddress> A getLocalAddress(Class<A> type) {
    return delegate.getLocalAddress(type);
  }

  @Override
  public XnioWorker getWorker() {
    return delegate.getWorker();
  }

  @Override
  public XnioIoThread getIoThread() {
    return delegate.getIoThread();
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public boolean supportsOption(Option<?> option) {
    return delegate.supportsOption(option);
  }

  @Override
  public <T> T getOption(Option<T> option) throws IOException {
    return delegate.getOption(option);
  }

  @Override
  public <T> T setOption(Option<T> option, T value) throws IOException {
    return delegate.setOption(option, value);
  }

  @Override
  public boolean isUpgraded() {
    return delegate.isUpgraded();
  }

  @Override
  public boolean isPushSupported() {
    return delegate.isPushSupported();
  }

  @Override
  public boolean isMultiplexingSupported() {
    return delegate.isMultiplexingSupported();
  }

  @Override
  public ClientStatistics getStatistics() {
    return delegate.getStatistics();
  }

  @Override
  public boolean isUpgradeSupported() {
    return delegate.isUpgradeSupported();
  }

  @Override
  public void addCloseListener(ChannelListener<ClientConnection> listener) {
    delegate.addCloseListener(listener);
  }
}
