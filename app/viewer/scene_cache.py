"""A copy of the last rendered scene's pixels, so a frame where only the ImGui chrome changed skips the 3D render.

The copy lives in a plain renderbuffer framebuffer and is made and put back with ``glBlitFramebuffer`` (an exact
pixel copy, no shader). Copying through vispy's own FrameBuffer / texture path was measured NOT to be identical
(thinner, dashed axis lines: reference/web_viewer.md), hence raw GL here. Call everything on the GL thread with the
canvas's context current.
"""

from __future__ import annotations

from OpenGL import GL


class SceneFramebufferCache:
    """Colour copy of the framebuffer the scene was drawn into (before ImGui draws over it)."""

    def __init__(self) -> None:
        self._fbo: int | None = None
        self._rbo: int | None = None
        self._size: tuple[int, int] | None = None
        self.valid = False

    def store(self, width: int, height: int) -> None:
        """Copy the bound draw framebuffer's ``width`` x ``height`` pixels into the cache."""
        target = int(GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING))
        if self._size != (width, height):
            self._allocate(width, height)
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        self._blit(target, self._fbo, width, height)
        self.valid = True

    def restore(self, width: int, height: int) -> bool:
        """Put the cached pixels back into the bound draw framebuffer; False (nothing done) when the cache does not
        hold a ``width`` x ``height`` picture."""
        if not self.valid or self._size != (width, height):
            return False
        target = int(GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING))
        self._blit(self._fbo, target, width, height)
        return True

    def invalidate(self) -> None:
        self.valid = False

    def release(self) -> None:
        """Free the GL objects (the context must be current)."""
        if self._fbo is not None:
            GL.glDeleteFramebuffers(1, [self._fbo])
            GL.glDeleteRenderbuffers(1, [self._rbo])
        self._fbo = self._rbo = self._size = None
        self.valid = False

    def _allocate(self, width: int, height: int) -> None:
        self.release()
        self._rbo = int(GL.glGenRenderbuffers(1))
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self._rbo)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, width, height)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, 0)
        self._fbo = int(GL.glGenFramebuffers(1))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, self._rbo)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            self.release()
            raise RuntimeError(f"scene cache framebuffer {width}x{height} incomplete (status 0x{int(status):x})")
        self._size = (width, height)

    @staticmethod
    def _blit(source: int, destination: int, width: int, height: int) -> None:
        """Exact copy between framebuffers; the bindings and the scissor test (which would clip it) are restored."""
        scissor = GL.glIsEnabled(GL.GL_SCISSOR_TEST)
        read = int(GL.glGetIntegerv(GL.GL_READ_FRAMEBUFFER_BINDING))
        draw = int(GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING))
        if scissor:
            GL.glDisable(GL.GL_SCISSOR_TEST)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, source)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, destination)
        GL.glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, read)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, draw)
        if scissor:
            GL.glEnable(GL.GL_SCISSOR_TEST)
