"""Errors for files that cannot be processed.

Problems *in what a report says* are never raised: they are ``Finding``s.
Messages are one line, in Chinese, and say what to try.
"""

from __future__ import annotations

import errno


class AnalyzerError(Exception):
    """A file the analyzer cannot process at all."""


class UnreadableInput(AnalyzerError):
    """The file is empty, damaged, encrypted or not a document."""


class UnsupportedFormat(AnalyzerError):
    """The content is none of PDF, DOCX, HTML or text."""


class NoTextLayer(AnalyzerError):
    """A PDF whose pages carry no usable text (a scan, or a broken font map)."""


class NotAnnualReport(AnalyzerError):
    """A readable document that is not a 政府信息公开工作年度报告."""


class ProcessingTimeout(AnalyzerError):
    """A file whose processing ran past ``Settings.per_file_timeout_s``."""


EMPTY_FILE = "{name}：文件为空，无法读取。"
NOT_FOUND = "{name}：文件不存在。"
IS_FOLDER = "{name}：这是一个文件夹，请指定其中一份报告文件；分析整个文件夹请用 analyzer analyze。"
UNSUPPORTED = "无法识别 {name} 的格式（支持 PDF、DOCX、HTML、TXT），请另存为 DOCX 或 PDF 后重试。"
BINARY = "{name}：不是可识别的文档（疑似二进制文件），请确认文件是否完整。"
ENCODING = "{name}：无法判断文本编码（已尝试 UTF-8、UTF-16、GB18030），请另存为 UTF-8 文本后重试。"
PDF_BROKEN = "{name}：PDF 文件已损坏或不完整（{reason}），请重新下载或另存后重试。"
PDF_ENCRYPTED = "{name}：PDF 文件已加密，无法读取，请提供未加密的版本。"
PDF_NO_TEXT = "{name}：PDF 没有可用的文字层（{reason}），需先进行 OCR 识别后再分析。"
PDF_OCR_EMPTY = "{name}：PDF 没有可用的文字层，经 OCR 识别也未读出文字（页面空白或图像过于模糊），请提供清晰的扫描件或文字版 PDF。"
DOCX_BROKEN = "{name}：DOCX 文件已损坏（{reason}），请用 Word 或 WPS 打开后另存为 DOCX 再试。"
ZIP_BOMB = "{name}：压缩包解压后体积异常（{size} MB），出于安全考虑拒绝读取。"
LEGACY_NO_OFFICE = "{name}：这是旧版 {kind} 文件，本机未安装 LibreOffice，无法转换；请另存为 DOCX 或 PDF 后重试，或安装 LibreOffice（apt-get install libreoffice-writer）。"
LEGACY_FAILED = "{name}：旧版 {kind} 文件经 LibreOffice 转换失败（{reason}），请另存为 DOCX 后重试。"
TOO_LARGE = "{name}：文件过大（{size} MB，上限 {limit} MB），请确认是否为年度报告。"
NOT_REPORT = "{name}：未识别为政府信息公开工作年度报告（{reason}）。"
TIMEOUT = "{name}：处理超时（超过{limit}秒），已跳过。"

# What a failed file operation means to a user, by its errno (the system's own words are English).
_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已有同名文件，不能用作文件夹",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EROFS: "所在位置只读，无法写入",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENAMETOOLONG: "文件名过长",
}


def os_error_message(exc: OSError) -> str:
    """One Chinese line for a file operation that failed: the path, then why."""
    reason = _OS_REASONS.get(exc.errno or 0, f"文件操作失败（错误码 {exc.errno}）")
    path = exc.filename if exc.filename is not None else ""
    return f"{path}：{reason}。" if path else f"{reason}。"

