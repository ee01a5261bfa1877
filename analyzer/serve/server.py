"""Running the workbench: bind the socket first (a busy port is one line, not a traceback), then uvicorn."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from analyzer.serve.security import is_loopback

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
PASSWORD_ENV = "ANALYZER_PASSWORD"


class ServeError(Exception):
    """The server cannot start; the message is one line in Chinese."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or ServeError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "端口已被占用"
        elif exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
            reason = "本机没有该地址"
        else:
            reason = f"系统错误 {exc.errno}"
        raise ServeError(f"无法在 {host}:{port} 上启动服务（{reason}）；请用 --port 换一个端口。") from exc
    return sock


def check_access(host: str, password: str | None) -> None:
    """Another host than the loopback needs a password."""
    if not is_loopback(host) and not password:
        raise ServeError(
            f"在 {host} 上对其他计算机提供服务须设置访问密码：请加 --password，或设置环境变量 {PASSWORD_ENV}。"
        )


def check_workspace(workspace: Path) -> None:
    """The workspace is a folder, made here if missing; anything else is one line, not a traceback."""
    if workspace.exists() and not workspace.is_dir():
        raise ServeError(f"工作区须是一个文件夹，而 {workspace} 是一个文件；请用 --workspace 指定一个文件夹。")
    try:
        workspace.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServeError(f"无法创建工作区文件夹 {workspace}；请用 --workspace 指定一个可写的文件夹。") from exc


def serve(workspace: Path, *, host: str, port: int, password: str | None, workers: int,
          paths: list[Path], announce) -> None:
    """Start the workbench on ``workspace`` and serve until Ctrl+C."""
    import uvicorn

    from analyzer.serve.app import create_app

    check_access(host, password)
    check_workspace(workspace)
    sock = bind(host, port)
    allowed = LOOPBACK_NAMES | {host} if is_loopback(host) else None
    app = create_app(workspace, password=password, workers=workers, allowed_hosts=allowed, load_in_background=True)
    queued = app.state.bench.add_paths(paths) if paths else []
    shown = f"[{host}]" if ":" in host else host
    announce(f"请在浏览器打开 http://{shown}:{port}/ （工作区：{workspace}；Ctrl+C 退出）"
             + (f"；已加入 {len(queued)} 个文件，正在后台分析" if queued else ""))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
