"""Drives Debian's Jupyter QtConsole on the flowlab kernel as a person at the keyboard would.

Runs under an X server (Xvfb). Starts the real JupyterQtConsoleApp with `--kernel flowlab`,
sends Qt key events to its input widget (QTest.keyClicks / keyClick: typing, Enter, Tab),
waits on what the console shows, and prints one JSON line of observations for the Node test
to judge: the text after each cell, the completed input line, the images the console drew
(size, distinct colours), and the value of a variable read by a separate jupyter_client
connected to the same kernel through the console's connection file (proof that the console's
executions reached the flowlab kernel). argv[1]: where to save a screenshot of the window.
"""
import json
import sys
import time

from jupyter_client import BlockingKernelClient
from qtconsole.qtconsoleapp import JupyterQtConsoleApp
from qtpy import QtCore, QtGui, QtWidgets
from qtpy.QtTest import QTest


class Console:
    """The QtConsole window and what a person does with it."""

    def __init__(self):
        self.app = JupyterQtConsoleApp.instance()
        self.app.initialize(['--kernel', 'flowlab'])
        self.app.window.resize(1000, 800)
        self.app.window.show()
        self.widget = self.app.widget
        self.control = self.widget._control

    def text(self):
        """Everything the console shows, as plain text."""
        return self.control.toPlainText()

    def wait(self, what, cond, timeout=90):
        """Runs the Qt event loop until cond() is truthy; returns its value."""
        end = time.time() + timeout
        while time.time() < end:
            QtWidgets.QApplication.processEvents(QtCore.QEventLoop.AllEvents, 50)
            value = cond()
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError('waited %ss for %s; the console shows:\n%s' % (timeout, what, self.text()))

    def run(self, source, prompt, shown=None):
        """Types a cell, presses Enter, waits for the next prompt (and for `shown` in the text, if
        given); returns the console's text. The console handles the shell and IOPub channels
        separately, so a large output (a figure's PNG) can be drawn after the reply's new prompt."""
        QTest.keyClicks(self.control, source)
        QTest.keyClick(self.control, QtCore.Qt.Key_Return)
        done = lambda: prompt in self.text() and not self.widget._executing and (shown is None or shown in self.text())
        return self.wait(prompt if shown is None else '%s and %s' % (prompt, shown), lambda: done() and self.text())

    def images(self):
        """Size and number of distinct colours (sampled) of each image in the console's page."""
        document = self.control.document()
        found = []
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    img = document.resource(QtGui.QTextDocument.ImageResource, QtCore.QUrl(fmt.toImageFormat().name()))
                    if isinstance(img, QtGui.QImage) and not img.isNull():
                        colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
                        found.append({'width': img.width(), 'height': img.height(), 'colours': len(colours)})
                it += 1
            block = block.next()
        return found


def session(con, obs, screenshot):
    """The person's session: cells, an error, a completion, a figure; then the outside probe."""
    con.wait('the first prompt', lambda: 'In [1]:' in con.text() and not con.widget._executing)
    obs['kernel_name'] = con.app.kernel_manager.kernel_name
    con.run("import * as fl from 'flowlab'", 'In [2]:')
    obs['result'] = con.run('const q = 6 * 7; [q, q + 1]', 'In [3]:')
    obs['error'] = con.run("throw new RangeError('lr must be positive')", 'In [4]:')
    # Tab with one match completes the input line in place.
    QTest.keyClicks(con.control, 'fl.tra')
    QTest.keyClick(con.control, QtCore.Qt.Key_Tab)
    obs['completed'] = con.wait('the completion', lambda: con.widget.input_buffer == 'fl.train' and con.widget.input_buffer)
    obs['completed_run'] = con.run('.name', 'In [5]:')
    # A figure: the console shows its static PNG (it cannot run the HTML's script).
    con.run('fl.plot.config({ staticImages: true }).staticImages', 'In [6]:')
    obs['figure'] = con.run("fl.plot.lines({ step: [0, 1, 2], loss: [1, 0.5, 0.25] }, { y: 'loss' })", 'In [7]:', shown='Out[6]:')
    obs['images'] = con.images()
    # An independent client on the same kernel sees what the console's cells defined.
    probe = BlockingKernelClient(connection_file=con.app.connection_file)
    probe.load_connection_file()
    probe.start_channels()
    try:
        seen = []
        reply = probe.execute_interactive('q + 0', timeout=30, output_hook=lambda m: seen.append(m['content']['data']['text/plain']) if m['msg_type'] == 'execute_result' else None)
        obs['probe'] = {'status': reply['content']['status'], 'value': seen}
    finally:
        probe.stop_channels()
    QtWidgets.QApplication.processEvents()
    con.app.window.grab().save(screenshot)


def main(screenshot):
    con = Console()
    obs = {}
    try:
        session(con, obs, screenshot)
    finally:
        con.app.kernel_manager.shutdown_kernel(now=True)
    print(json.dumps(obs))


if __name__ == '__main__':
    main(sys.argv[1])
