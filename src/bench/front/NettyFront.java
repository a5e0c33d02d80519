import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away prototype, for measurement only: the same least-work front as NioFront, on Netty's native epoll
 * transport (edge-triggered) with its pooled buffers. Each client connection is paired with one keep-alive backend
 * connection on the same event loop; a request head gets two forwarded headers and leaves in one write; the
 * response's end is known from its Content-Length. GET only, no bodies, no pipelining: the floor of a proxy.
 *
 * <p>{@code java -cp <netty jars> NettyFront.java <port> <backend port,...> [threads]}
 */
public final class NettyFront {
  private static final ByteBuf FORWARDED = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
      "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String[] ports = args[1].split(",");
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    AtomicInteger next = new AtomicInteger();
    new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1000)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel client) {
            client.config().setAutoRead(false);
            int backendPort = Integer.parseInt(ports[Math.floorMod(next.getAndIncrement(), ports.length)]);
            new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Response(client))
                .connect("127.0.0.1", backendPort)
                .addListener(f -> {
                  if (f.isSuccess()) {
                    client.pipeline().addLast(new Request(((io.netty.channel.ChannelFuture) f).channel()));
                    client.config().setAutoRead(true);
                  } else {
                    client.close();
                  }
                });
          }
        })
        .bind("127.0.0.1", port).sync();
    System.out.println("netty front listening on " + port);
  }

  /** Client side: finds the end of each head and sends it on with the forwarded headers. */
  static final class Request extends ChannelInboundHandlerAdapter {
    private final Channel backend;
    private ByteBuf pending;

    Request(Channel backend) {
      this.backend = backend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      ByteBuf buf = pending == null ? in : ctx.alloc().compositeBuffer().addComponents(true, pending, in);
      pending = null;
      int end = find(buf);
      if (end < 0) {
        pending = buf;
        return;
      }
      CompositeByteBuf out = ctx.alloc().compositeDirectBuffer(2);
      out.addComponent(true, buf.retainedSlice(buf.readerIndex(), end - 2 - buf.readerIndex()));
      out.addComponent(true, FORWARDED.duplicate());
      buf.release();
      backend.writeAndFlush(out, backend.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (pending != null) {
        pending.release();
      }
      backend.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Backend side: every byte goes to the client as it comes; the head's Content-Length says when it ends. */
  static final class Response extends ChannelInboundHandlerAdapter {
    private final Channel client;

    Response(Channel client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      client.write(msg, client.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      client.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ReferenceCountUtil.release(cause);
      ctx.close();
    }
  }

  /** Index just past CRLFCRLF, or -1. */
  static int find(ByteBuf b) {
    for (int i = b.readerIndex(); i + 3 < b.writerIndex(); i++) {
      if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
        return i + 4;
      }
    }
    return -1;
  }
}
